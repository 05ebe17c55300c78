"""Where each role lands after logging in: the page of what waits on it (issue 24).

One line per role; a role without its own home lands on the order list.
"""
from __future__ import annotations

from jidan.domain.model import Actor

HOMES: dict[str, str] = {
    "sales": "/approvals",  # reviews, changes and confirmation letters waiting on sales
    "customer_service": "/incidents",  # open incidents and complaints to answer
    "finance": "/approvals",  # reviews waiting on finance's signature
    "manufacturing": "/workcenters",  # the work-center boards: what is ready to start now
    "quality": "/quality",  # the inspection points and final inspections waiting
    "warehouse": "/warehouse",  # goods waiting for receipt, drawings to collect
    "logistics": "/logistics",  # shipments waiting to be sent
    "purchasing": "/purchase-requests",  # purchase requests waiting to be placed
    "engineering": "/warehouse",  # the drawings and engineering data not back yet
    "admin": "/workflow/chains",  # the approval chains admin keeps
    "pmc": "/pmc",
    "management": "/dashboard",
    "store": "/store",
    "supplier": "/supplier",
}


def home_of(actor: Actor) -> str:
    return HOMES.get(str(actor.role), "/orders")
