"""One Settings object, read from the environment (prefix ``JIDAN_``)."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

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

    # --- notifications and delivery (issue 5) ---
    # --- approvals (issue 5) ---
    # --- execution (issue 6) ---
    # --- fulfilment (issue 6) ---
    # --- materials (issue 4) ---


@lru_cache
def get_settings() -> Settings:
    return Settings()
