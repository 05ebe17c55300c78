"""What the use cases need from outside, declared as small ports and wired in bootstrap."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

from jidan.domain.calendar import WorkCalendar
from jidan.domain.delivery import DeliveryPolicy
from jidan.domain.emergency import DEFAULT_PRIORITY
from jidan.domain.urgency import UrgencyPolicy
from jidan.services.hooks import Hooks
from jidan.services.ports import Clock, Messages, PasswordHasher, PdfMaker, Spreadsheets, UnitOfWork


def inline(fn: Callable[..., Any], /, *args, **kw) -> Any:
    """Runs ``fn`` here and now: the offload of a bare Context."""
    return fn(*args, **kw)


@dataclass
class Context:
    uow: Callable[[], UnitOfWork]  # returns a fresh unit of work
    clock: Clock
    hasher: PasswordHasher
    policy: UrgencyPolicy
    national_calendar: WorkCalendar
    messages: Messages
    sheets: Spreadsheets
    #: Notices: quiet hours, e-mail kinds, the escalation ladder, retries (services.notices).
    delivery: DeliveryPolicy
    #: Approvals: how recent a login may sign without the password, how long planning may think
    #: before a review opens, the working hours a change request's reviewers get, the letterhead.
    approval_fresh_login_minutes: int
    approval_feasibility_seconds: float
    change_review_hours: float
    company_name: str
    # execution and fulfilment: acknowledgement deadlines in working hours, the milestones
    # that e-mail the customer (E3), and the feedback links (I1)
    release_ack_hours: float
    exception_ack_hours: float
    urgent_receipt_ack_hours: float
    progress_milestones: frozenset[str]
    feedback_secret: str
    feedback_link_days: int
    public_url: str
    session_hours: int = 12
    #: Working windows of a working day in minutes after midnight (the planner's shifts).
    shifts: tuple[tuple[int, int], ...] = ((480, 720), (780, 1020), (1080, 1320))
    horizon_days: int = 120
    #: How far ahead an order's requested date may lie, in days (the plant takes no order beyond).
    max_days_ahead: int = 1826
    #: Planning solves at once (services/planning/bounds.py); the gate holds that many places.
    planning_solvers: int = 2
    planning_gate: threading.BoundedSemaphore = field(init=False, repr=False)
    #: Runs a pure planner function: here, or in a worker process (bootstrap, adapters/processes.py).
    offload: Callable[..., Any] = field(default=inline, repr=False)
    #: What the lifecycle asks of the other areas (services/wiring.py); none in a bare Context.
    hooks: Hooks = field(default_factory=Hooks)
    #: Security (issue 21): the shortest password, login throttling, whether admin does business.
    min_password_length: int = 10
    login_free_failures: int = 5
    login_free_failures_per_address: int = 20
    login_delay_seconds: float = 2.0
    login_max_delay_seconds: float = 900.0
    login_failure_window_seconds: int = 86400
    admin_does_business: bool = False
    #: Checks the audit head's signature (issue 21); the database never holds it. None: unchecked.
    audit_key: bytes | None = None
    #: Printable forms as PDF (adapters/pdf.py); none in a bare Context.
    pdf: PdfMaker | None = None
    #: What a process keeps between requests (the plan in force, loaded: services.planning.in_force).
    caches: dict = field(default_factory=dict)
    #: The emergency rule (J2): criteria first to last, set by admin (JIDAN_EMERGENCY_PRIORITY).
    emergency_priority: tuple[str, ...] = DEFAULT_PRIORITY
    #: Copies of the database for emergency drills (ports.DrillCopies); None: drills unavailable.
    drills: Any = None

    def __post_init__(self) -> None:
        self.planning_gate = threading.BoundedSemaphore(self.planning_solvers)

    def now(self) -> datetime:
        return self.clock.now()
