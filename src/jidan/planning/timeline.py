"""Per-resource busy intervals kept sorted, so the earliest free slot is a bisect and a short walk.

Every placement in the package goes through here: dispatching, gap filling for promises,
pushing work later and repairing plans all ask the same question of the same index.

Set-ups (换线): on a resource with changeovers the index also keeps each booking's product family,
and a start must leave the changeover from the operation before it (the last one booked earlier,
whatever closed windows lie between) in open time just before it, and the changeover into the
operation after it likewise. Resources without changeovers take the plain path.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from jidan.planning.problem import Operation, Problem, Resource


class Timeline:
    """Busy time of each resource: unavailable windows, occupied work and booked operations."""

    def __init__(self, problem: Problem) -> None:
        self._starts: dict[str, list[int]] = {}
        self._ends: dict[str, list[int]] = {}
        self._resources: dict[str, Resource] = dict(problem.resource_by_id)
        self._setups: dict[str, Resource] = {}
        """Resources with changeovers; only theirs have families (`_families`: None for a window)."""
        self._families: dict[str, list[str | None]] = {}
        for resource in problem.resources:
            self._load(resource)

    def _load(self, resource: Resource) -> None:
        """`resource` from its windows and occupied work alone."""
        starts, ends, families = resource.busy_columns
        self._starts[resource.id], self._ends[resource.id] = starts.copy(), ends.copy()
        if resource.setups:
            self._setups[resource.id] = resource
            self._families[resource.id] = families.copy()

    def earliest_start(self, resource: str, ready: int, duration: int, family: str = "",
                       breakable: bool = False) -> int:
        """The first start ≥ `ready` where [start, start + duration) is free on `resource` (and,
        with changeovers, the set-ups into it and out of it fit; an operation of `family`); for a
        `breakable` lot, where its working minutes up to its end meet no booked work."""
        if duration == 0:
            return ready
        if breakable:
            return self._earliest_breakable(resource, ready, duration, family)
        if resource in self._setups:
            return self._earliest_with_setups(resource, ready, duration, family)
        starts, ends = self._starts[resource], self._ends[resource]
        i = bisect_right(ends, ready)
        start = ready
        n = len(starts)
        while i < n and starts[i] < start + duration:
            if ends[i] > start:
                start = ends[i]
            i += 1
        return start

    def _earliest_breakable(self, resource: str, ready: int, duration: int, family: str) -> int:
        """Walk from `ready`: open minute, the changeover from the work before in open time just
        before it, the lot's end, past the first booked work in between (the windows in between
        are the lot's pauses), and the changeover into the work after it, until all hold."""
        starts, ends, calendar = self._starts[resource], self._ends[resource], self._resources[resource]
        pairs = self._setups[resource].setup_by_pair if resource in self._setups else None
        families = self._families.get(resource)
        n = len(starts)
        start = calendar.open_at(ready)
        while True:
            i = bisect_right(ends, start)  # the intervals before i end by the start
            if pairs and i:
                previous = _family_before(families, i)
                need = ends[i - 1] + pairs.get((previous, family), 0)
                if need > start:
                    start = calendar.open_at(need)
                    continue
            end = calendar.finish(start, duration)
            while i < n and starts[i] < end and _is_window(calendar, starts[i], ends[i]):
                i += 1
            if i < n and starts[i] < end:
                start = calendar.open_at(ends[i])
                continue
            if pairs:
                k = _next_booking(families, i)
                if k < n and starts[k] - pairs.get((family, families[k]), 0) < max(end, ends[k - 1]):
                    start = calendar.open_at(ends[k])
                    continue
            return start

    def end(self, resource: str, start: int, op: Operation, duration: int | None = None) -> int:
        """When `op` begun at `start` on `resource` ends: `duration` (default the operation's) on,
        or for a breakable lot that many working minutes on."""
        duration = op.duration if duration is None else duration
        return self._resources[resource].finish(start, duration) if op.breakable else start + duration

    def _earliest_with_setups(self, resource: str, ready: int, duration: int, family: str) -> int:
        """`earliest_start` gap by gap: in the gap before busy interval `i`, the start leaves the
        set-up from the previous operation after the gap's start, and the next operation its
        set-up from this one (before it if it ends the gap, else after the windows between)."""
        pairs = self._setups[resource].setup_by_pair  # (None, family) is no pair: no set-up
        starts, ends, families = self._starts[resource], self._ends[resource], self._families[resource]
        n = len(starts)
        i = bisect_right(ends, ready)
        previous = _family_before(families, i)
        opened = ends[i - 1] if i else ready
        while True:
            if i == n:
                return max(ready, opened + pairs.get((previous, family), 0))
            if starts[i] - max(ready, opened) >= duration:  # the work alone fits: try the set-ups
                start = max(ready, opened + pairs.get((previous, family), 0))
                following = families[i]
                if following is not None:
                    if start + duration + pairs.get((family, following), 0) <= starts[i]:
                        return start
                elif start + duration <= starts[i]:
                    k = _next_booking(families, i + 1)
                    if k == n or starts[k] - pairs.get((family, families[k]), 0) >= ends[k - 1]:
                        return start
            if families[i] is not None:
                previous = families[i]
            if ends[i] > opened:
                opened = ends[i]
            i += 1

    def family_before(self, resource: str, at: int) -> str | None:
        """The family of the last operation booked on `resource` that starts before `at`; None
        without one, or when the resource has no changeovers."""
        families = self._families.get(resource)
        if families is None:
            return None
        i = bisect_right(self._starts[resource], at - 1)
        return _family_before(families, i)

    def best_placement(self, op: Operation, ready: int, duration: int | None = None) -> tuple[str, int]:
        """The alternative resource that finishes `op` first, and its start (ties: listed order).

        `duration` overrides the operation's own, for partial lots.
        """
        duration = op.duration if duration is None else duration
        best_resource, best_start, best_end = op.resources[0], None, None
        for rid in op.resources:
            start = self.earliest_start(rid, ready, duration, op.family, op.breakable)
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
        twin._setups = self._setups
        twin._families = {r: list(v) for r, v in self._families.items()}
        return twin

    def free(self, resource: str, start: int, end: int) -> None:
        """Undo `book` of exactly [start, end) on `resource` (nothing if it was not booked)."""
        starts, ends = self._starts[resource], self._ends[resource]
        families = self._families.get(resource)
        for piece_start, piece_end in self._resources[resource].open_pieces(start, end):
            i = bisect_right(starts, piece_start) - 1
            while i >= 0 and starts[i] == piece_start:
                if ends[i] == piece_end:
                    del starts[i], ends[i]
                    if families is not None:
                        del families[i]
                    break
                i -= 1

    def reset(self, resource: Resource, booked: Iterable[tuple[int, int, str]]) -> None:
        """`resource` (new, or with other windows) again from its windows and the bookings on it
        (start, end, family)."""
        self._resources[resource.id] = resource
        # shared with copies: replaced, never changed in place
        self._setups = {rid: r for rid, r in self._setups.items() if rid != resource.id}
        self._families.pop(resource.id, None)
        self._load(resource)
        self.book_all((resource.id, s, e, family) for s, e, family in booked)

    def book_all(self, booked: Iterable[tuple[str, int, int, str]]) -> None:
        """`book` each (resource, start, end, family) at once: one sort per resource instead of an
        insertion per booking, for loading a whole plan."""
        added: dict[str, list[tuple[int, int, str | None]]] = {}
        for resource, start, end, family in booked:
            if end > start:
                added.setdefault(resource, []).extend(
                    (s, e, family) for s, e in self._resources[resource].open_pieces(start, end))
        for resource, windows in added.items():
            if resource in self._families:
                merged = sorted([*zip(self._starts[resource], self._ends[resource], self._families[resource]), *windows],
                                key=lambda w: (w[0], w[1]))
                self._families[resource] = [f for _, _, f in merged]
            else:
                merged = sorted(zip(self._starts[resource], self._ends[resource]))
                merged += ((s, e) for s, e, _ in windows)
                merged.sort()
            self._starts[resource] = [w[0] for w in merged]
            self._ends[resource] = [w[1] for w in merged]

    def book(self, resource: str, start: int, end: int, family: str = "") -> None:
        """Mark [start, end) busy by an operation of `family`, less the windows a breakable lot
        pauses over; the caller guarantees it was free."""
        if end <= start:
            return
        starts, ends, families = self._starts[resource], self._ends[resource], self._families.get(resource)
        for piece_start, piece_end in self._resources[resource].open_pieces(start, end):
            i = bisect_right(starts, piece_start)
            starts.insert(i, piece_start)
            ends.insert(i, piece_end)
            if families is not None:
                families.insert(i, family)


def _family_before(families: list[str | None], i: int) -> str | None:
    """The family of the last booking before index `i` (windows have none), or None."""
    return next((families[k] for k in range(i - 1, -1, -1) if families[k] is not None), None)


def _next_booking(families: list[str | None], i: int) -> int:
    """The index of the first booking from index `i` on, past the windows (the length if none)."""
    while i < len(families) and families[i] is None:
        i += 1
    return i


def _is_window(resource: Resource, start: int, end: int) -> bool:
    """Whether [start, end) is one of the resource's unavailable windows, not booked work."""
    starts, ends = resource.columns
    i = bisect_right(starts, start) - 1
    return i >= 0 and starts[i] == start and ends[i] == end
