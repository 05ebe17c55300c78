"""Small public job shops and random plant parts the planning tests share."""

import random
from collections.abc import Iterator
from contextlib import contextmanager

from jidan.planning import insert as insertion


def downtime(rng: random.Random) -> tuple[tuple[int, int], ...]:
    """Up to three windows of up to 40 minutes in the first few hours."""
    windows, t = [], rng.randint(0, 60)
    for _ in range(rng.randint(0, 3)):
        windows.append((t, t + rng.randint(1, 40)))
        t = windows[-1][1] + rng.randint(1, 80)
    return tuple(windows)


FT06 = """6 6
2 1 0 3 1 6 3 7 5 3 4 6
1 8 2 5 4 10 5 10 0 10 3 4
2 5 3 4 5 8 0 9 1 1 4 7
1 5 0 5 2 5 3 3 4 8 5 9
2 9 1 3 4 5 5 4 0 3 3 1
1 3 3 3 5 9 0 10 4 4 2 1
"""


@contextmanager
def every_plan_large() -> Iterator[None]:
    """Insertion treats every plan as large (`insert.LOCAL_LIMIT` 0): only the orders around the
    urgent one move, the rest is occupied work, so small plants test the local insertion."""
    old = insertion.LOCAL_LIMIT
    insertion.LOCAL_LIMIT = 0
    try:
        yield
    finally:
        insertion.LOCAL_LIMIT = old
