"""The planning problem as validated, frozen data: resources, jobs and their operations.

Time is integer minutes from the plan's start. Invalid data fails at construction with an
`InvalidProblem` naming the field, so nothing downstream has to re-check it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property

from jidan.planning.errors import InvalidProblem, UnknownJob

Window = tuple[int, int]


def _merged(windows: tuple[Window, ...], where: str) -> tuple[Window, ...]:
    """Sort and merge touching windows so lookups can bisect them."""
    for start, end in windows:
        if end <= start:
            raise InvalidProblem(f"{where}: window ({start}, {end}) must end after it starts", where)
    merged: list[list[int]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


Booking = tuple[int, int, str]
"""Work that holds a resource: (start, end, product family)."""


def _bookings(bookings, where: str) -> tuple[Booking, ...]:
    """Bookings as sorted (start, end, family) triples, each ending after it starts."""
    found = []
    for entry in bookings:
        try:
            start, end, family = entry
        except (TypeError, ValueError):
            raise InvalidProblem(f"{where}: occupied work is (start, end, family)", where) from None
        if int(end) <= int(start):
            raise InvalidProblem(f"{where}: occupied ({start}, {end}) must end after it starts", where)
        found.append((int(start), int(end), str(family)))
    return tuple(sorted(found))


Setup = tuple[str, str, int]
"""A changeover (换线): from one product family to another, in minutes."""


def _setups(setups, where: str) -> tuple[Setup, ...]:
    """Setups as sorted (from, to, minutes) triples; each pair once, minutes whole and not negative."""
    found: dict[tuple[str, str], int] = {}
    for entry in setups:
        try:
            before, after, minutes = entry
        except (TypeError, ValueError):
            raise InvalidProblem(f"{where}: a setup is (from family, to family, minutes)", where) from None
        if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 0:
            raise InvalidProblem(f"{where}: setup minutes must be a whole number, not negative", where)
        pair = (str(before), str(after))
        if pair in found:
            raise InvalidProblem(f"{where}: the changeover {pair[0]!r} → {pair[1]!r} is listed twice", where)
        found[pair] = minutes
    return tuple(sorted((a, b, m) for (a, b), m in found.items() if m))


@dataclass(frozen=True)
class Resource:
    """A work center (工作中心) or machine; `unavailable` holds downtime and closed hours.

    `setups` are its sequence-dependent changeovers: (from family, to family, minutes) between an
    operation of one family and the next on this resource. Pairs not listed take no time.

    `occupied` is work of orders left out of the problem that stays where it is, (start, end,
    family): it holds the resource as an operation would, with the changeovers into it and out of
    it, and unlike a closed window no lot pauses over it (`insert.local_problem` builds it)."""

    id: str
    unavailable: tuple[Window, ...] = ()
    setups: tuple[Setup, ...] = ()
    occupied: tuple[Booking, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidProblem("resource id must not be empty", "resources.id")
        windows = tuple((int(s), int(e)) for s, e in self.unavailable)
        object.__setattr__(self, "unavailable", _merged(windows, f"resources[{self.id}].unavailable"))
        object.__setattr__(self, "setups", _setups(self.setups, f"resources[{self.id}].setups"))
        object.__setattr__(self, "occupied", _bookings(self.occupied, f"resources[{self.id}].occupied"))

    @cached_property
    def busy_columns(self) -> tuple[list[int], list[int], list[str | None]]:
        """The starts, ends and families (None for a window) of the windows and the occupied
        work, sorted, for a timeline to begin from."""
        if not self.occupied:
            starts, ends = self.columns
            return starts, ends, [None] * len(starts)
        merged = sorted([*((s, e, None) for s, e in self.unavailable), *self.occupied], key=lambda b: (b[0], b[1]))
        return [b[0] for b in merged], [b[1] for b in merged], [b[2] for b in merged]

    @cached_property
    def setup_by_pair(self) -> dict[tuple[str, str], int]:
        return {(a, b): minutes for a, b, minutes in self.setups}

    @cached_property
    def columns(self) -> tuple[list[int], list[int]]:
        """The starts and the ends of the unavailable windows, for bisecting (kept: a loaded
        plan's resource answers many placements)."""
        return [s for s, _ in self.unavailable], [e for _, e in self.unavailable]

    def open_at(self, minute: int) -> int:
        """The first minute at or after `minute` outside the unavailable windows."""
        starts, ends = self.columns
        i = bisect_right(starts, minute) - 1
        return ends[i] if i >= 0 and ends[i] > minute else minute

    def finish(self, start: int, minutes: int) -> int:
        """When `minutes` of work begun at `start` are done, pausing over the unavailable
        windows (a lot that runs over several shifts)."""
        if minutes <= 0:
            return start
        starts, ends = self.columns
        moment, left = self.open_at(start), minutes
        i = bisect_right(starts, moment)
        while i < len(starts) and starts[i] < moment + left:
            left -= starts[i] - moment
            moment = ends[i]
            i += 1
        return moment + left

    def open_pieces(self, start: int, end: int) -> list[Window]:
        """[start, end) less the unavailable windows: when a lot spanning them works."""
        starts, ends = self.columns
        i = bisect_right(starts, start) - 1
        if (i < 0 or ends[i] <= start) and (i + 1 == len(starts) or starts[i + 1] >= end):
            return [(start, end)]  # all open: most work, asked for every booking
        pieces, moment = [], start
        i = max(0, i)
        while i < len(starts) and starts[i] < end:
            if ends[i] > moment:
                if starts[i] > moment:
                    pieces.append((moment, starts[i]))
                moment = ends[i]
            i += 1
        if end > moment:
            pieces.append((moment, end))
        return pieces

    def closed_within(self, start: int, end: int) -> list[Window]:
        """The unavailable windows that overlap [start, end): where a changeover may not be done."""
        starts, ends = self.columns
        i = max(0, bisect_right(starts, start) - 1)
        found = []
        while i < len(starts) and starts[i] < end:
            if ends[i] > start:
                found.append((starts[i], ends[i]))
            i += 1
        return found

    def working(self, start: int, end: int) -> int:
        """The minutes of [start, end) outside the unavailable windows."""
        return sum(e - s for s, e in self.open_pieces(start, end))

    def setup(self, before: str, after: str) -> int:
        """Minutes to change over from a `before`-family operation to an `after`-family one."""
        return self.setup_by_pair.get((before, after), 0) if self.setups else 0


@dataclass(frozen=True)
class Operation:
    """One routing step (工序): it runs uninterrupted on one of its alternative resources.

    `release` is the earliest minute the step itself may start, e.g. when its own material
    arrives: an assembly step can wait for its connectors while the steps before it run.
    """

    id: str
    duration: int
    resources: tuple[str, ...]
    release: int = 0
    family: str = ""
    """The product family (产品族) it makes: changing family on a resource may take a setup."""
    breakable: bool = False
    """A lot of several shifts: it pauses over its resource's unavailable windows (closed hours,
    downtime) and goes on after them, so its end is `Resource.finish(start, duration)`.
    Otherwise it runs uninterrupted and ends `duration` after its start."""

    def __post_init__(self) -> None:
        where = f"operations[{self.id}]"
        if not self.id:
            raise InvalidProblem("operation id must not be empty", "operations.id")
        if self.duration < 0:
            raise InvalidProblem(f"{where}.duration must not be negative", f"{where}.duration")
        if self.release < 0:
            raise InvalidProblem(f"{where}.release must not be negative", f"{where}.release")
        if not self.resources:
            raise InvalidProblem(f"{where}.resources must name at least one resource", f"{where}.resources")
        if len(set(self.resources)) != len(self.resources):
            raise InvalidProblem(f"{where}.resources lists a resource twice", f"{where}.resources")
        object.__setattr__(self, "resources", tuple(self.resources))


@dataclass(frozen=True)
class Job:
    """An order line to make: operations chained in routing order, with release, due date, weight."""

    id: str
    operations: tuple[Operation, ...]
    release: int = 0
    due: int = 0
    weight: int = 1

    def __post_init__(self) -> None:
        where = f"jobs[{self.id}]"
        if not self.id:
            raise InvalidProblem("job id must not be empty", "jobs.id")
        if not self.operations:
            raise InvalidProblem(f"{where}.operations must not be empty", f"{where}.operations")
        if self.release < 0:
            raise InvalidProblem(f"{where}.release must not be negative", f"{where}.release")
        if self.weight < 0:
            raise InvalidProblem(f"{where}.weight must not be negative", f"{where}.weight")
        object.__setattr__(self, "operations", tuple(self.operations))

    @property
    def work(self) -> int:
        """Total processing time, the least time the job can take."""
        return sum(op.duration for op in self.operations)

    def heads(self) -> tuple[int, ...]:
        """Each operation's earliest start were the job alone in the plant: a bound for any plan."""
        out, ready = [], 0
        for k, op in enumerate(self.operations):
            out.append(self.earliest(k, ready))
            ready = out[-1] + op.duration
        return tuple(out)

    @property
    def earliest_finish(self) -> int:
        return self.heads()[-1] + self.operations[-1].duration

    def earliest(self, k: int, after: int = 0) -> int:
        """The earliest operation `k` may start: not before the job's release, nor its own (its
        material), nor `after` (its predecessor's end). Every scheduler asks this one question."""
        return max(self.release, self.operations[k].release, after)


@dataclass(frozen=True)
class Problem:
    """Everything the planner needs: resources and the jobs to run on them."""

    resources: tuple[Resource, ...]
    jobs: tuple[Job, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "resources", tuple(self.resources))
        object.__setattr__(self, "jobs", tuple(self.jobs))
        _unique((r.id for r in self.resources), "resources")
        _unique((j.id for j in self.jobs), "jobs")
        _unique((op.id for j in self.jobs for op in j.operations), "operations")
        known = {r.id for r in self.resources}
        for job in self.jobs:
            for op in job.operations:
                for rid in op.resources:
                    if rid not in known:
                        raise InvalidProblem(
                            f"jobs[{job.id}].operations[{op.id}] names unknown resource {rid!r}",
                            f"jobs[{job.id}].operations[{op.id}].resources",
                        )

    @cached_property
    def resource_by_id(self) -> dict[str, Resource]:
        return {r.id: r for r in self.resources}

    @cached_property
    def job_by_id(self) -> dict[str, Job]:
        return {j.id: j for j in self.jobs}

    @cached_property
    def operation_by_id(self) -> dict[str, tuple[Job, int]]:
        """Each operation id → its job and its position in the routing."""
        return {op.id: (j, k) for j in self.jobs for k, op in enumerate(j.operations)}

    @cached_property
    def breakable(self) -> frozenset[str]:
        """The operations that are breakable lots (`Operation.breakable`)."""
        return frozenset(op.id for j in self.jobs for op in j.operations if op.breakable)

    def end_of(self, op: Operation, resource: str, start: int) -> int:
        """When `op` begun at `start` on `resource` ends (a breakable lot pauses over its windows)."""
        return self.resource_by_id[resource].finish(start, op.duration) if op.breakable else start + op.duration

    def held(self, operation: str, resource: str, start: int, end: int) -> list[Window]:
        """When `operation`, placed on `resource` over [start, end), holds it: a breakable lot only
        its working pieces (it pauses over the windows), other work (or an unknown resource) all of it."""
        calendar = self.resource_by_id.get(resource)
        return calendar.open_pieces(start, end) if operation in self.breakable and calendar else [(start, end)]

    @cached_property
    def has_setups(self) -> bool:
        """Whether any resource has changeovers: without, every scheduler takes its plain path."""
        return any(r.setups for r in self.resources)

    def family(self, operation: str) -> str:
        """The product family of `operation` ("" when no resource has changeovers, or unknown)."""
        if not self.has_setups or operation not in self.operation_by_id:
            return ""
        job, k = self.operation_by_id[operation]
        return job.operations[k].family

    @property
    def operation_count(self) -> int:
        return len(self.operation_by_id)

    def job(self, job_id: str) -> Job:
        try:
            return self.job_by_id[job_id]
        except KeyError:
            raise UnknownJob(f"job {job_id!r} is not in the problem", "job") from None

    def with_job(self, job: Job) -> Problem:
        """The same plant with `job` added, or replacing the job of the same id."""
        jobs = [j for j in self.jobs if j.id != job.id]
        return replace(self, jobs=(*jobs, job))

    def without_job(self, job_id: str) -> Problem:
        self.job(job_id)
        return replace(self, jobs=tuple(j for j in self.jobs if j.id != job_id))

    def with_resources(self, resources: tuple[Resource, ...]) -> Problem:
        return replace(self, resources=resources)

    def from_now(self, now: int, started: Iterable[str] = ()) -> Problem:
        """The plant as seen at minute `now`: work not `started` cannot begin in the past, so
        every other operation is released at `now` at the earliest. Insertion and repair plan
        this problem, so no scheduler, however clever, moves unstarted work into the past."""
        started = set(started)
        jobs = []
        for job in self.jobs:
            ops = tuple(
                op if op.id in started or op.release >= now else replace(op, release=now) for op in job.operations
            )
            jobs.append(job if ops == job.operations else replace(job, operations=ops))
        return replace(self, jobs=tuple(jobs))


def _unique(ids, what: str) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InvalidProblem(f"{what}: duplicate id {i!r}", f"{what}.id")
        seen.add(i)
