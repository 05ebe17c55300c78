"""Planning errors, each with a stable `code` the API and UI can translate.

    PlanningError                 planning.error
    ├── InvalidProblem            planning.invalid_problem
    ├── InvalidSchedule           planning.invalid_schedule
    ├── UnknownJob                planning.unknown_job
    └── UnknownObjective          planning.unknown_objective
"""


class PlanningError(Exception):
    """Base of every planning error; `field` names the offending input when there is one."""

    code = "planning.error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidProblem(PlanningError):
    """The problem data cannot describe a real plant (unknown resource, bad window, …)."""

    code = "planning.invalid_problem"


class InvalidSchedule(PlanningError):
    """A schedule breaks a rule of its problem (overlap, order, window, duration, …)."""

    code = "planning.invalid_schedule"


class UnknownJob(PlanningError):
    """A job id given by the caller is not in the problem or the schedule."""

    code = "planning.unknown_job"


class UnknownObjective(PlanningError, ValueError):
    """The objective named is none of `result.OBJECTIVES`."""

    code = "planning.unknown_objective"
