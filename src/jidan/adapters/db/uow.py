"""The unit of work: one transaction, its repositories, and nothing commits anywhere else."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from jidan.adapters.db import repositories as r
from jidan.adapters.db.analytics import AnalyticsStore
from jidan.domain import errors


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker, audit_key: bytes | None = None, anchor=None):
        self.session_factory = session_factory
        self.audit_key = audit_key
        #: Told the new audit head after each commit that wrote events (adapters/audit_anchor.py).
        self.anchor = anchor

    def __enter__(self) -> "SqlUnitOfWork":
        self.session: Session = self.session_factory()
        s = self.session
        self.orders = r.OrderRepository(s)
        self.customers = r.CustomerRepository(s)
        self.products = r.ProductRepository(s)
        self.users = r.UserRepository(s)
        self.plant = r.PlantRepository(s)
        self.audit = r.AuditLog(s, self.audit_key)
        self.idempotency = r.IdempotencyStore(s)
        self.auth_sessions = r.AuthSessionStore(s)
        self.calendar = r.CalendarStore(s)
        self.planning_runs = r.PlanningRunStore(s)
        # notifications (issue 5)
        self.notices = r.NoticeStore(s)
        self.outbox = r.OutboxStore(s)
        self.timers = r.TimerStore(s)
        # materials (issue 4)
        self.stock = r.MaterialStockStore(s)
        self.purchase_orders = r.PurchaseOrderStore(s)
        self.delay_requests = r.DelayRequestStore(s)
        self.purchase_requests = r.PurchaseRequestStore(s)
        self.shortages = r.MaterialShortageStore(s)
        self.run_history = r.RunHistory(s)
        # approvals and order changes (issue 5)
        self.chains = r.ApprovalChainStore(s)
        self.delegations = r.DelegationStore(s)
        self.reviews = r.ReviewStore(s)
        self.change_requests = r.ChangeRequestStore(s)
        self.letters = r.LetterStore(s)
        # execution (issue 6)
        self.tasks = r.TaskStore(s)
        self.floor = r.FloorStore(s)
        self.process_exceptions = r.ProcessExceptionStore(s)
        self.inspections = r.InspectionStore(s)
        # fulfilment (issue 6)
        self.receipts = r.ReceiptStore(s)
        self.drawings = r.DrawingStore(s)
        self.shipments = r.ShipmentStore(s)
        self.feedback = r.FeedbackStore(s)
        self.incidents = r.IncidentStore(s)
        self.emergency_org = r.EmergencyOrganisation(s)
        self.order_records = r.OrderRecordStore(s)
        self.capacity = r.CapacityChangeStore(s)
        self.emergencies = r.EmergencyStateStore(s)
        self.improvements = r.ImprovementActionStore(s)
        self.analytics = AnalyticsStore(s)  # analytics (issue 22)
        # store urgent replenishment (issue 23)
        self.stores = r.StoreStore(s)
        self.requisitions = r.RequisitionStore(s)
        self.defect_codes = r.DefectCodeStore(s)
        self.setups = r.SetupStore(s)  # changeovers by family pair (issue 25)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.rollback()
        self.session.close()
        # Writes also happen on autoflush before a query: translate those the same way.
        translated = _translate(exc)
        if translated is not None:
            raise translated from exc

    def ping(self) -> None:
        """Asks the database for one row: raises when it cannot be reached."""
        self.session.execute(text("SELECT 1"))

    def flush(self) -> None:
        """Sends pending writes so database ids and constraints are known now."""
        self._translated(self.session.flush)

    def commit(self) -> None:
        self._translated(self.session.commit)
        last, self.audit.last = self.audit.last, None
        if last and self.anchor is not None:
            self.anchor.committed(*last)

    def rollback(self) -> None:
        self.session.rollback()
        self.audit.last = None

    def _translated(self, operation) -> None:
        try:
            operation()
        except (StaleDataError, IntegrityError) as exc:
            self.session.rollback()
            raise _translate(exc) from exc


def _translate(exc: BaseException | None) -> errors.JidanError | None:
    """Database refusals as domain errors: a lost race is a stale version, a broken rule a conflict."""
    if isinstance(exc, StaleDataError):
        return errors.StaleVersion("the record was changed by someone else; reload it")
    if isinstance(exc, IntegrityError):
        return errors.Conflict("the change conflicts with existing data", code="integrity")
    return None
