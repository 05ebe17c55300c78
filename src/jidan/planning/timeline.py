"""Per-resource busy intervals kept sorted, so the earliest free slot is a bisect and a short walk.

Every placement in the package goes through here: dispatching, gap filling for promises,
pushing work later and repairing plans all ask the same question of the same index.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from jidan.planning.problem import Operation, Problem, Resource


class Timeline:
    """Busy time of each resource: unavailable windows plus booked operations."""

    def __init__(self, problem: Problem) -> None:
        self._starts: dict[str, list[int]] = {}
        self._ends: dict[str, list[int]] = {}
        for resource in problem.resources:
            starts, ends = _columns(resource)
            self._starts[resource.id], self._ends[resource.id] = starts.copy(), ends.copy()

    def earliest_start(self, resource: str, ready: int, duration: int) -> int:
        """The first start ≥ `ready` where [start, start + duration) is free on `resource`."""
        if duration == 0:
            return ready
        starts, ends = self._starts[resource], self._ends[resource]
        i = bisect_right(ends, ready)
        start = ready
        n = len(starts)
        while i < n and starts[i] < start + duration:
            if ends[i] > start:
                start = ends[i]
            i += 1
        return start

    def best_placement(self, op: Operation, ready: int, duration: int | None = None) -> tuple[str, int]:
        """The alternative resource that finishes `op` first, and its start (ties: listed order).

        `duration` overrides the operation's own, for partial lots.
        """
        duration = op.duration if duration is None else duration
        best_resource, best_start = op.resources[0], None
        for rid in op.resources:
            start = self.earliest_start(rid, ready, duration)
            if best_start is None or start < best_start:
                best_resource, best_start = rid, start
        return best_resource, best_start

    def copy(self) -> Timeline:
        """An independent copy: a loaded plan answers many questions from one index."""
        twin = Timeline.__new__(Timeline)
        twin._starts = {r: list(v) for r, v in self._starts.items()}
        twin._ends = {r: list(v) for r, v in self._ends.items()}
        return twin

    def free(self, resource: str, start: int, end: int) -> None:
        """Undo `book` of exactly [start, end) on `resource` (nothing if it was not booked)."""
        starts, ends = self._starts[resource], self._ends[resource]
        i = bisect_right(starts, start) - 1
        while i >= 0 and starts[i] == start:
            if ends[i] == end:
                del starts[i], ends[i]
                return
            i -= 1

    def reset(self, resource: Resource, booked: Iterable[tuple[int, int]]) -> None:
        """`resource` (new, or with other windows) again from its windows and the bookings on it."""
        starts, ends = _columns(resource)
        self._starts[resource.id], self._ends[resource.id] = starts.copy(), ends.copy()
        self.book_all((resource.id, s, e) for s, e in booked)

    def book_all(self, booked: Iterable[tuple[str, int, int]]) -> None:
        """`book` each (resource, start, end) at once: one sort per resource instead of an
        insertion per booking, for loading a whole plan."""
        added: dict[str, list[tuple[int, int]]] = {}
        for resource, start, end in booked:
            if end > start:
                added.setdefault(resource, []).append((start, end))
        for resource, windows in added.items():
            merged = sorted(zip(self._starts[resource], self._ends[resource]))
            merged += windows
            merged.sort()
            self._starts[resource] = [s for s, _ in merged]
            self._ends[resource] = [e for _, e in merged]

    def book(self, resource: str, start: int, end: int) -> None:
        """Mark [start, end) busy; the caller guarantees it was free."""
        if end <= start:
            return
        starts = self._starts[resource]
        i = bisect_right(starts, start)
        starts.insert(i, start)
        self._ends[resource].insert(i, end)


def _columns(resource: Resource) -> tuple[list[int], list[int]]:
    """The starts and ends of a resource's closed windows, worked out once per resource: every
    placement search starts a timeline from them, and a loaded plan's may be long."""
    kept = resource.__dict__.get("_columns")
    if kept is None:
        kept = ([s for s, _ in resource.unavailable], [e for _, e in resource.unavailable])
        object.__setattr__(resource, "_columns", kept)  # a cache, not a field: equality is unchanged
    return kept
