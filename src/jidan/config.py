"""One Settings object, read from the environment (prefix ``JIDAN_``)."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JIDAN_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./jidan.db"
    #: Factory-local time zone: order dates and working days are the factory's.
    timezone: str = "Asia/Shanghai"
    session_hours: int = 12
    cookie_secure: bool = False
    max_body_bytes: int = 2_000_000
    default_language: str = "zh"

    # Urgency rules (A3), each configurable.
    urgent_lead_time_rule: bool = True
    urgent_amount_threshold: Decimal | None = Decimal("100000")
    urgent_key_customer_rule: bool = True

    # Working calendar (N1): national holidays and make-up days from the `holidays` library.
    calendar_country: str = "CN"
    rest_weekdays: str = "5,6"
    #: Working hours of a working day, as the planner sees them (two shifts and an evening).
    shifts: str = "08:00-12:00,13:00-17:00,18:00-22:00"
    planning_horizon_days: int = 120
    #: How far ahead an order's requested date may lie, in days (about five years).
    max_days_ahead: int = Field(1826, ge=1, le=36_500)
    #: Planning solves (runs, promises) at once; more answer 503 busy with Retry-After.
    planning_solvers: int = Field(2, ge=1, le=16)
    #: Solve in worker processes, so that solving never slows the server's other requests.
    planning_processes: bool = True

    # --- notifications and delivery (issue 5) ---
    #: Hours of the day external channels deliver non-critical notices (the documents: 8–22).
    notify_hours: str = "08:00-22:00"
    #: Notice kinds also sent by e-mail to each recipient ("x*" matches every kind starting
    #: with x); critical notices always are.
    email_kinds: str = ("release,rework,exception*,escalation,approval.requested,approval.overdue,"
                        "change.requested,goods_received,drawing_overdue,progress_alert,"
                        "inspection_failed,incident*,material_delay*")
    #: Acknowledgement deadline, in working hours, when the sender names none (E6).
    ack_hours_default: float = 4.0
    #: Who hears of an unacknowledged notice next, role by role; unnamed roles go to the top.
    escalation_ladder: str = ("manufacturing>pmc>management;quality>pmc;warehouse>pmc;"
                              "purchasing>pmc;engineering>pmc;logistics>pmc;sales>pmc;"
                              "customer_service>sales;store>customer_service;supplier>purchasing;"
                              "finance>management;admin>management")
    escalation_top: str = "management"
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = 10.0
    mail_from: str = "jidan@localhost"
    #: Where links in e-mails and robot messages point (the inbox page).
    public_url: str = "http://127.0.0.1:8000"
    #: Signed JSON webhook (HMAC-SHA256 of the body with the secret; receivers dedupe by event id).
    webhook_url: str | None = None
    webhook_secret: str | None = None
    #: Group robots: WeCom (企业微信) and DingTalk (钉钉, optionally with its signing secret).
    wecom_robot_url: str | None = None
    dingtalk_robot_url: str | None = None
    dingtalk_secret: str | None = None
    #: Deliveries: give up after this many attempts; waits double from the base up to the cap.
    delivery_max_attempts: int = 8
    delivery_retry_seconds: float = 30.0
    delivery_retry_cap_seconds: float = 3600.0
    #: A claimed delivery is free for another worker once its lease ends (a dead worker's rows).
    delivery_lease_seconds: int = 120
    worker_poll_seconds: float = 5.0
    # --- approvals (issue 5) ---
    #: A signed act (review, approve, reject) needs the password again, unless the signer's
    #: login is at most this many minutes old.
    approval_fresh_login_minutes: int = 15
    #: Seconds planning may spend on the feasibility answer attached when a review starts (B2).
    approval_feasibility_seconds: float = 1.0
    #: Working hours each department has to review a change request (H2).
    change_review_hours: float = 8.0
    #: Who signs the confirmation letter (确认函) to the customer (A6).
    company_name: str = "急单示范工厂"
    #: The letterhead of every printed form and PDF: a logo image file (PNG, JPEG or SVG; empty:
    #: the bundled one), the address and telephone under the company name.
    company_logo: str = ""
    company_address: str = "江苏省苏州市工业园区示范路 1 号"
    company_phone: str = "0512-0000-0000"
    #: Forms made into PDF at once on the server (each takes a core for a second or so).
    pdf_at_once: int = 2
    # --- execution (issue 6) ---
    #: Group leaders acknowledge the production notice within this many hours (D2; scenario: 30 min).
    release_ack_hours: float = 0.5
    #: pmc acknowledges a process exception report within this many hours (E4).
    exception_ack_hours: float = 1.0
    #: Order actions at which the customer is e-mailed the progress update by itself (E3), once
    #: per order and milestone; any of release, start_production, inspect, receive.
    #: Empty: only when sales or customer service send it.
    progress_milestones: str = "start_production,inspect,receive"

    @field_validator("company_logo")
    @classmethod
    def _logo_is_a_file(cls, value: str) -> str:
        """A logo that cannot be read would leave every form without one: refuse it at start."""
        if value and not Path(value).is_file():
            raise ValueError(f"JIDAN_COMPANY_LOGO {value} is not a file that can be read")
        return value

    @field_validator("progress_milestones")
    @classmethod
    def _known_milestones(cls, value: str) -> str:
        """A misspelt milestone would never send: refuse it when the settings are read."""
        from jidan.domain.execution import PROGRESS_MILESTONES
        unknown = sorted({m.strip() for m in value.split(",") if m.strip()} - set(PROGRESS_MILESTONES))
        if unknown:
            raise ValueError(f"unknown progress milestones {', '.join(unknown)}; "
                             f"choose from {', '.join(PROGRESS_MILESTONES)}")
        return value
    # --- fulfilment (issue 6) ---
    #: Sales acknowledges "urgent goods received, arrange shipment" within this many hours (G2).
    urgent_receipt_ack_hours: float = 1.0
    #: Signs the no-login feedback links (I1). Each link also carries a random single-use nonce
    #: kept in the database, so a link cannot be guessed even with this key; set your own anyway.
    feedback_secret: str = "jidan-feedback-links"
    #: How long a feedback link stays good.
    feedback_link_days: int = 14
    # --- audit trail and time (issues 20, 21) ---
    #: Signs the audit head and the anchor lines (HMAC-SHA256); never stored in the database.
    #: Empty: the key is read from audit_key_file, which `jidan serve`/`worker`/`demo`/`migrate`
    #: create with a random key when it is missing.
    audit_key: str | None = None
    audit_key_file: str = "instance/audit.key"
    #: Append-only file that receives the signed audit head after every commit that wrote events
    #: (`jidan audit verify --anchor`); empty: no anchor (docs/security.md).
    audit_anchor: str | None = None
    #: A file holding the ISO date-time that is "now" for serve and worker (training, drills);
    #: empty: the real clock.
    clock_file: str | None = None
    # --- materials (issue 4) ---
    # --- security (issue 21; docs/security.md) ---
    #: Passwords set by an admin or `jidan users add` need this many characters (the demo's keep theirs).
    min_password_length: int = 10
    #: Failed logins allowed per username, and per address, before each further one makes the
    #: next attempt wait: the delay starts here and doubles with each failure, up to the cap.
    login_free_failures: int = 5
    login_free_failures_per_address: int = 20
    login_delay_seconds: float = 2.0
    login_max_delay_seconds: float = 900.0
    #: Failures older than this are forgotten (a good login forgives its username's at once).
    login_failure_window_seconds: int = 86400
    #: Admin keeps to configuration (users, chains, calendar, organisation); with this on, admin
    #: may also take the business acts of purchasing, stock, delay decisions and plans.
    admin_does_business: bool = False
    #: The emergency rule (J2): who goes first while an emergency holds, criteria separated by
    #: commas (key orders, urgent orders; the due date always decides last). Admin sets it.
    emergency_priority: str = "key,urgent,due"
    #: Where emergency drills keep their copies of the database (default: next to a SQLite file).
    drill_dir: str | None = None


@lru_cache
def get_settings() -> Settings:
    return Settings()
