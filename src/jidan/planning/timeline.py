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
        self._resources: dict[str, Resource] = dict(problem.resource_by_id)
        for resource in problem.resources:
            starts, ends = resource.columns
            self._starts[resource.id], self._ends[resource.id] = starts.copy(), ends.copy()

    def earliest_start(self, resource: str, ready: int, duration: int, breakable: bool = False) -> int:
        """The first start ≥ `ready` where [start, start + duration) is free on `resource`; for a
        `breakable` lot, where its working minutes up to its end meet no booked work."""
        if duration == 0:
            return ready
        if breakable:
            return self._earliest_breakable(resource, ready, duration)
        starts, ends = self._starts[resource], self._ends[resource]
        i = bisect_right(ends, ready)
        start = ready
        n = len(starts)
        while i < n and starts[i] < start + duration:
            if ends[i] > start:
                start = ends[i]
            i += 1
        return start

    def _earliest_breakable(self, resource: str, ready: int, duration: int) -> int:
        """Walk from `ready`: open minute, the lot's end, and past the first booked work in
        between (the windows in between are the lot's pauses), until none is."""
        starts, ends, calendar = self._starts[resource], self._ends[resource], self._resources[resource]
        start = calendar.open_at(ready)
        while True:
            end = calendar.finish(start, duration)
            i = bisect_right(ends, start)
            while i < len(starts) and starts[i] < end and _is_window(calendar, starts[i], ends[i]):
                i += 1
            if i == len(starts) or starts[i] >= end:
                return start
            start = calendar.open_at(ends[i])

    def end(self, resource: str, start: int, op: Operation, duration: int | None = None) -> int:
        """When `op` begun at `start` on `resource` ends: `duration` (default the operation's) on,
        or for a breakable lot that many working minutes on."""
        duration = op.duration if duration is None else duration
        return self._resources[resource].finish(start, duration) if op.breakable else start + duration

    def best_placement(self, op: Operation, ready: int, duration: int | None = None) -> tuple[str, int]:
        """The alternative resource that finishes `op` first, and its start (ties: listed order).

        `duration` overrides the operation's own, for partial lots.
        """
        duration = op.duration if duration is None else duration
        best_resource, best_start, best_end = op.resources[0], None, None
        for rid in op.resources:
            start = self.earliest_start(rid, ready, duration, op.breakable)
            end = self.end(rid, start, op, duration)
            if best_end is None or end < best_end:
                best_resource, best_start, best_end = rid, start, end
        return best_resource, best_start

    def copy(self) -> Timeline:
        """An independent copy: a loaded plan answers many questions from one index."""
        twin = Timeline.__new__(Timeline)
        twin._starts = {r: list(v) for r, v in self._starts.items()}
        twin._ends = {r: list(v) for r, v in self._ends.items()}
        twin._resources = dict(self._resources)
        return twin

    def free(self, resource: str, start: int, end: int) -> None:
        """Undo `book` of exactly [start, end) on `resource` (nothing if it was not booked)."""
        starts, ends = self._starts[resource], self._ends[resource]
        for piece_start, piece_end in self._resources[resource].open_pieces(start, end):
            i = bisect_right(starts, piece_start) - 1
            while i >= 0 and starts[i] == piece_start:
                if ends[i] == piece_end:
                    del starts[i], ends[i]
                    break
                i -= 1

    def reset(self, resource: Resource, booked: Iterable[tuple[int, int]]) -> None:
        """`resource` (new, or with other windows) again from its windows and the bookings on it."""
        starts, ends = resource.columns
        self._starts[resource.id], self._ends[resource.id] = starts.copy(), ends.copy()
        self._resources[resource.id] = resource
        self.book_all((resource.id, s, e) for s, e in booked)

    def book_all(self, booked: Iterable[tuple[str, int, int]]) -> None:
        """`book` each (resource, start, end) at once: one sort per resource instead of an
        insertion per booking, for loading a whole plan."""
        added: dict[str, list[tuple[int, int]]] = {}
        for resource, start, end in booked:
            if end > start:
                added.setdefault(resource, []).extend(self._resources[resource].open_pieces(start, end))
        for resource, windows in added.items():
            merged = sorted(zip(self._starts[resource], self._ends[resource]))
            merged += windows
            merged.sort()
            self._starts[resource] = [s for s, _ in merged]
            self._ends[resource] = [e for _, e in merged]

    def book(self, resource: str, start: int, end: int) -> None:
        """Mark [start, end) busy, less the windows a breakable lot pauses over; the caller
        guarantees it was free."""
        if end <= start:
            return
        starts, ends = self._starts[resource], self._ends[resource]
        for piece_start, piece_end in self._resources[resource].open_pieces(start, end):
            i = bisect_right(starts, piece_start)
            starts.insert(i, piece_start)
            ends.insert(i, piece_end)


def _is_window(resource: Resource, start: int, end: int) -> bool:
    """Whether [start, end) is one of the resource's unavailable windows, not booked work."""
    starts, ends = resource.columns
    i = bisect_right(starts, start) - 1
    return i >= 0 and starts[i] == start and ends[i] == end
