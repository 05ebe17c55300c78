"""The demo's product families and changeover times (issue 25): boards change feeders and
stencils on the SMT lines, housings change colour on the paint lines, and the test benches change
fixtures, so a plan that keeps a family together on a line saves time there."""
from __future__ import annotations

from jidan.services.context import Context
from jidan.services.masterdata import setups

#: Changeover minutes between two different families, by work center kind; none within one.
#: SMT: feeder tables and stencil (the big boards take longest); paint: flushing the gun; test:
#: swapping the bed-of-nails or functional fixture.
CHANGEOVERS = {
    "SMT": {"SCB": 60, "PWR": 45, "CTL": 90, "SNS": 30},
    "PNT": {"HSG": 40, "CTL": 25},
    "ICT": {"SCB": 35, "CTL": 45},
    "FCT": {"SCB": 30, "PWR": 50, "CTL": 40, "SNS": 20},
}
#: Work centers of each kind in the demo plant (factory.WORK_CENTERS).
COUNTS = {"SMT": 4, "PNT": 3, "ICT": 3, "FCT": 3}


def matrix(kind: str) -> list[tuple[str, str, int]]:
    """Changing to a family takes that family's minutes, from any other family on the line."""
    minutes = CHANGEOVERS[kind]
    return [(a, b, minutes[b]) for a in minutes for b in minutes if a != b]


def load(ctx: Context, products: dict) -> None:
    """Each demo product's family is its code's prefix ("SCB-200" → SCB); the SMT, paint and
    test work centers get their matrices."""
    for code in products:
        setups.set_family(ctx, None, code, code.split("-")[0])
    for kind, count in COUNTS.items():
        for n in range(1, count + 1):
            setups.replace(ctx, None, f"{kind}{n}", matrix(kind))
