"""Where each role lands after logging in: the page of what waits on it (issue 24).

One line per role; a role without its own home lands on the order list.
"""
from __future__ import annotations

from jidan.domain.model import Actor

HOMES: dict[str, str] = {
    "pmc": "/pmc",
    "management": "/dashboard",
}
HOMES["store"] = "/store"
HOMES["supplier"] = "/supplier"


def home_of(actor: Actor) -> str:
    return HOMES.get(str(actor.role), "/orders")
