"""Tabu search on machine sequences for the makespan (N7 moves of Zhang, Li, Guan and Rao).

A plan is a sequence of operations on each machine; its earliest times follow from the longest
paths through the routings and those sequences. The makespan only shrinks if the critical path
changes, and the cheap changes that can shorten it move an operation of a block of critical
operations on one machine to the block's first or last place (Balas and Vazacopoulos's N6), or
its first or last operation into it (what N7 adds). Each step makes the best such move (judged
by an estimate from heads and tails) that is not tabu, so the search climbs out of local optima
instead of stopping in the first; when it stalls it jumps back to where one of the last new best
plans was found and tries a move not tried from there (Nowicki and Smutnicki's back jump). After
a move only the times it can change are computed again: the topological order is mended where
the move broke it (Pearce and Kelly), heads from the moved operations on, tails back from them.

CP-SAT proves small job shops optimal; on large ones (30 jobs and more) it finds little within
seconds, where this search gets within a few per cent of the best known plans
(docs/benchmarks.md). It sequences only: each operation keeps the resource the starting plan
gave it, and it applies only when no resource has downtime and nothing is frozen
(`applies`): the longest paths cannot see a window.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from typing import NamedTuple

from jidan.planning.problem import Problem
from jidan.planning.result import Assignment, makespan

TENURE = (8, 14)
"""The orders a move reversed stay tabu for this many steps, drawn at random each time."""
STALL_STEPS = 2500
"""Steps without a new best plan before the search jumps back to an elite plan (or, with none
left, restarts from the best, slightly shaken)."""
SHAKE_MOVES = 3
BACK_JUMPS = 5
"""Elite plans kept for back jumps: where the last new best plans were found."""
ESTIMATE_WORK = 8
"""A move estimated counts as this many operations re-timed."""
WORK_PER_SECOND = 5_000_000
"""Operations re-timed per second on our machines (moves estimated counted by `ESTIMATE_WORK`):
with one worker and a seed, the budget is counted in this work instead of seconds, so a rerun
makes the same steps."""


Move = tuple[int, int, bool]
"""(u, v, forward): `u` before `v` on one machine; forward moves `u` right after `v`, backward
moves `v` right before `u`."""


def applies(problem: Problem, frozen: Mapping[str, Assignment]) -> bool:
    """Whether longest paths time this problem's plans: no downtime, no set-ups, no occupied
    work, nothing frozen."""
    return not frozen and not any(r.unavailable or r.setups or r.occupied for r in problem.resources)


class _Graph:
    """Operations as integers with their durations, releases and routing neighbours, and the
    machine sequences of the current plan."""

    def __init__(self, problem: Problem, start: tuple[Assignment, ...]):
        self.ids, self.jobs, self.duration, self.release = [], [], [], []
        self.job_prev, self.job_next = [], []
        index = {}
        for job in problem.jobs:
            previous = -1
            for k, op in enumerate(job.operations):
                o = len(self.ids)
                index[op.id] = o
                self.ids.append(op.id)
                self.jobs.append(job.id)
                self.duration.append(op.duration)
                self.release.append(job.earliest(k))
                self.job_prev.append(previous)
                self.job_next.append(-1)
                if previous >= 0:
                    self.job_next[previous] = o
                previous = o
        self.resource = [""] * len(self.ids)
        by_resource: dict[str, list[tuple[int, int]]] = {}
        for a in start:
            self.resource[index[a.operation]] = a.resource
            if a.end > a.start:  # a step that takes no time holds no machine
                by_resource.setdefault(a.resource, []).append((a.start, index[a.operation]))
        self.sequences = [[o for _, o in sorted(queue)] for queue in by_resource.values()]
        self.machine = [-1] * len(self.ids)
        for m, sequence in enumerate(self.sequences):
            for o in sequence:
                self.machine[o] = m
        self.position = [0] * len(self.ids)
        self._index_positions()
        self.job_ends = [o for o in range(len(self.ids)) if self.job_next[o] < 0]
        """The last operation of each job: the plan ends with one of them."""

    def _index_positions(self) -> None:
        for sequence in self.sequences:
            for k, o in enumerate(sequence):
                self.position[o] = k

    def times(self) -> bool:
        """Machine neighbours, a topological order, heads (earliest starts) and tails (longest
        path after the end) from scratch; False when the sequences make a cycle, which a move
        next to steps that take no time can."""
        n = len(self.ids)
        self.mp, self.ms = [-1] * n, [-1] * n
        for sequence in self.sequences:
            self._link(sequence, 0, len(sequence) - 1)
        self.rank, self.head, self.tail = [0] * n, [0] * n, [0] * n
        if not self._order():
            return False
        self._heads(0)
        self._tails(n)
        return True

    def retime(self, m: int, i: int, j: int) -> int:
        """Heads and tails again after a move among places `i` to `j` of machine `m`: the
        topological order mended where the move broke it, heads from the first moved operation in
        it on, tails from the last back; how many operations were re-timed, or -1 on a cycle."""
        sequence = self.sequences[m]
        self._link(sequence, i, j)
        moved = sequence[i : j + 1]
        first, last = min(moved, key=self.rank.__getitem__), max(moved, key=self.rank.__getitem__)
        if not self._reorder(last, first):
            return -1
        low, high = min(self.rank[o] for o in moved), max(self.rank[o] for o in moved)
        self._heads(low)
        self._tails(high + 1)
        return len(self.order) - low + high + 1

    def _reorder(self, x: int, y: int) -> bool:
        """Pearce and Kelly's repair of the topological order for a new arc `x` -> `y` with `y`
        before `x`: what `y` reaches before `x`'s place goes after what reaches `x` from `y`'s
        place on, in the places they held. False when `y` reaches `x`: a cycle."""
        rank, jp, js, mp, ms = self.rank, self.job_prev, self.job_next, self.mp, self.ms
        low, high = rank[y], rank[x]
        reached, stack, seen = [], [y], {y}
        while stack:
            o = stack.pop()
            reached.append(o)
            for s in (js[o], ms[o]):
                if s == x:
                    return False
                if s >= 0 and rank[s] < high and s not in seen:
                    seen.add(s)
                    stack.append(s)
        reaching, stack, seen = [], [x], {x}
        while stack:
            o = stack.pop()
            reaching.append(o)
            for a in (jp[o], mp[o]):
                if a >= 0 and rank[a] > low and a not in seen:
                    seen.add(a)
                    stack.append(a)
        reaching.sort(key=rank.__getitem__)
        reached.sort(key=rank.__getitem__)
        places = sorted(rank[o] for o in reaching + reached)
        for o, k in zip(reaching + reached, places):
            rank[o] = k
            self.order[k] = o
        return True

    def _heads(self, first: int) -> None:
        """Heads of the operations from place `first` of the topological order on."""
        p, jp, mp, head, release, order = self.duration, self.job_prev, self.mp, self.head, self.release, self.order
        for k in range(first, len(order)):
            o = order[k]
            a, b = jp[o], mp[o]
            h = release[o]
            if a >= 0 and head[a] + p[a] > h:
                h = head[a] + p[a]
            if b >= 0 and head[b] + p[b] > h:
                h = head[b] + p[b]
            head[o] = h

    def _tails(self, end: int) -> None:
        """Tails of the operations before place `end` of the topological order."""
        p, js, ms, tail, order = self.duration, self.job_next, self.ms, self.tail, self.order
        for k in range(end - 1, -1, -1):
            o = order[k]
            a, b = js[o], ms[o]
            t = 0
            if a >= 0:
                t = tail[a] + p[a]
            if b >= 0 and tail[b] + p[b] > t:
                t = tail[b] + p[b]
            tail[o] = t

    def _link(self, sequence: list[int], i: int, j: int) -> None:
        """Machine neighbours of the operations at places `i` to `j` (and of theirs)."""
        mp, ms = self.mp, self.ms
        for k in range(max(i, 1), min(j + 2, len(sequence))):
            ms[sequence[k - 1]], mp[sequence[k]] = sequence[k], sequence[k - 1]
        if i == 0 and sequence:
            mp[sequence[0]] = -1
        if j >= len(sequence) - 1 and sequence:
            ms[sequence[-1]] = -1

    def _order(self) -> bool:
        """A topological order from scratch (Kahn); False on a cycle."""
        n, jp, js, mp, ms = len(self.ids), self.job_prev, self.job_next, self.mp, self.ms
        waiting = [(jp[o] >= 0) + (mp[o] >= 0) for o in range(n)]
        order = [o for o in range(n) if not waiting[o]]
        for o in order:  # the list grows as operations become ready
            for s in (js[o], ms[o]):
                if s >= 0:
                    waiting[s] -= 1
                    if not waiting[s]:
                        order.append(s)
        self.order = order
        for k, o in enumerate(order):
            self.rank[o] = k
        return len(order) == n

    def last(self) -> int:
        """The operation that ends last."""
        p, head = self.duration, self.head
        return max(self.job_ends, key=lambda o: head[o] + p[o])

    def makespan(self) -> int:
        o = self.last()
        return self.head[o] + self.duration[o]

    def apply(self, move: Move) -> tuple[list[int] | None, int]:
        """Make the move and time the plan again: the operations from `u` to `v` as they were
        (None when the move made a cycle, which is then taken back), and how many operations were
        re-timed."""
        m, i, before = self.shift(*move)
        retimed = self.retime(m, i, i + len(before) - 1)
        if retimed >= 0:
            return before, retimed
        self.unshift(m, i, before)
        self.times()
        return None, len(self.ids)

    def shift(self, u: int, v: int, forward: bool) -> tuple[int, int, list[int]]:
        """Make the move (`Move`); returns what `unshift` needs to take it back."""
        m = self.machine[u]
        sequence, i, j = self.sequences[m], self.position[u], self.position[v]
        before = sequence[i : j + 1]
        sequence[i : j + 1] = before[1:] + [u] if forward else [v] + before[:-1]
        for k in range(i, j + 1):
            self.position[sequence[k]] = k
        return m, i, before

    def unshift(self, m: int, i: int, before: list[int]) -> None:
        sequence = self.sequences[m]
        sequence[i : i + len(before)] = before
        for k, o in enumerate(before, i):
            self.position[o] = k

    def restore(self, sequences: list[list[int]]) -> None:
        self.sequences = [list(s) for s in sequences]
        self._index_positions()


def improve(
    problem: Problem,
    start: tuple[Assignment, ...],
    time_limit: float,
    seed: int | None = None,
    deterministic: bool = False,
    stop: threading.Event | None = None,
    lower_bound: int = 0,
) -> tuple[Assignment, ...]:
    """The best plan found from `start` within `time_limit`, never worse than `start`; each
    operation stays on the resource `start` gives it. `deterministic` counts work instead of
    seconds, so the same seed gives the same plan; `stop` ends the search early when set, and so
    does a plan as short as `lower_bound` (nothing shorter exists)."""
    rng = random.Random(seed)
    graph = _Graph(problem, start)
    p, n = graph.duration, len(graph.ids)
    if not graph.times():
        return start
    best, best_sequences = graph.makespan(), [list(s) for s in graph.sequences]
    tabu: dict[tuple[int, int], int] = {}
    refused: set[Move] = set()  # moves that made a cycle, until a move is made
    deadline, work, allowed = time.monotonic() + time_limit, 0, time_limit * WORK_PER_SECOND
    step = stalled = 0
    elite: list[_Elite] = []
    untried: list[Move] | None = None  # after a back jump: the moves left to try from there
    at_best = True
    while (work < allowed) if deterministic else (time.monotonic() < deadline):
        if (stop is not None and stop.is_set()) or best <= lower_bound:
            break
        step += 1
        stalled += 1
        if untried is not None:
            candidates, untried = [move for move in untried if move not in refused], None
        else:
            candidates = [move for move in _moves(graph, _critical_blocks(graph)) if move not in refused]
        work += ESTIMATE_WORK * len(candidates)
        if not candidates:
            if elite:
                untried, step = _jump_back(graph, elite, tabu)
                refused.clear()
                continue
            break  # no move can shorten the critical path (or every one left makes a cycle)
        move = _best_allowed(graph, candidates, tabu, step, best) or rng.choice(candidates)
        if at_best:  # remember where a new best plan was found and what else it could try
            elite.append(_Elite([list(s) for s in graph.sequences], dict(tabu), step, [m for m in candidates if m != move]))
            del elite[:-BACK_JUMPS]
            at_best = False
        before, retimed = graph.apply(move)
        work += retimed
        if before is None:  # a cycle through steps that take no time: not again from here
            refused.add(move)
            continue
        refused.clear()
        _forbid_return(tabu, move, before, step + rng.randint(*TENURE))
        value = graph.makespan()
        if value < best:
            best, best_sequences, stalled, at_best = value, [list(s) for s in graph.sequences], 0, True
        elif stalled > STALL_STEPS:
            if elite:
                untried, step = _jump_back(graph, elite, tabu)
                refused.clear()
            else:
                _shake(graph, best_sequences, rng)
                tabu.clear()
            stalled = 0
    if best >= makespan(problem, start):
        return start
    graph.restore(best_sequences)
    graph.times()
    head = graph.head
    return tuple(
        Assignment(graph.jobs[o], graph.ids[o], graph.resource[o], head[o], head[o] + p[o]) for o in range(n)
    )


class _Elite(NamedTuple):
    """A plan where a new best was found, with its tabu list and the moves not yet tried from it."""

    sequences: list[list[int]]
    tabu: dict[tuple[int, int], int]
    step: int
    untried: list[Move]


def _jump_back(graph: _Graph, elite: list[_Elite], tabu: dict) -> tuple[list[Move], int]:
    """Back to the latest elite plan (Nowicki and Smutnicki's back jump), to try from there a
    move not tried yet; an elite plan with none left is dropped. Returns those moves and the step
    its tabu list belongs to."""
    back = elite.pop()
    graph.restore(back.sequences)
    graph.times()
    tabu.clear()
    tabu.update(back.tabu)
    return back.untried, back.step


def _critical_blocks(graph: _Graph) -> list[list[int]]:
    """One critical path, cut into blocks of operations that follow each other on one machine."""
    p, jp, mp, head = graph.duration, graph.job_prev, graph.mp, graph.head
    o = graph.last()
    path = [o]
    while True:
        a, x = mp[o], jp[o]
        if a >= 0 and head[a] + p[a] == head[o]:
            o = a
        elif x >= 0 and head[x] + p[x] == head[o]:
            o = x
        else:
            break  # it starts at its release
        path.append(o)
    path.reverse()
    blocks = [[path[0]]]
    for a, b in zip(path, path[1:]):
        if mp[b] == a:
            blocks[-1].append(b)
        else:
            blocks.append([b])
    return blocks


def _moves(graph: _Graph, blocks: list[list[int]]) -> list[Move]:
    """N6 (Balas and Vazacopoulos): move an operation of a critical block to the block's first
    or last place; and N7's addition (Zhang, Li, Guan and Rao): its first or last operation into
    the block. A move that leaves both ends in place keeps the path's length. In the first block
    only moves with its last operation count (the path starts at the first whatever the order),
    in the last block only those with its first. A move whose acyclicity the heads and tails
    cannot vouch for is left out, and so is one that would put a step after the next step of its
    own job on the same machine (the heads and tails cannot see that cycle: the two are level)."""
    p, jp, js, head, tail = graph.duration, graph.job_prev, graph.job_next, graph.head, graph.tail
    moves: list[Move] = []
    last = len(blocks) - 1
    if last == 0:
        return moves  # one block: the path is one machine's load
    for k, block in enumerate(blocks):
        end = len(block) - 1
        pairs = [(0, j) for j in range(1, end + 1)] if k > 0 else []
        if k < last:
            pairs += [(i, end) for i in range(1 if k > 0 else 0, end)]
        for i, j in pairs:
            u, v = block[i], block[j]
            x = js[u]
            if x < 0 or (x != v and tail[v] + p[v] >= tail[x] + p[x]):
                moves.append((u, v, True))
            x = jp[v]
            if x < 0 or (x != u and head[u] + p[u] >= head[x] + p[x]):
                moves.append((u, v, False))
    return moves


def _best_allowed(graph, candidates, tabu, step, best) -> Move | None:
    """The move with the lowest estimated makespan that is not tabu, or that would beat the best
    plan found (aspiration). An estimate stops as soon as it cannot win."""
    chosen, lowest = None, None
    for move in candidates:
        before = _segment(graph, move)
        cutoff = best if _is_tabu(tabu, move, before, step) else None
        if lowest is not None and (cutoff is None or lowest < cutoff):
            cutoff = lowest
        estimate = _estimate(graph, _moved(move, before), graph.mp[before[0]], graph.ms[before[-1]], cutoff)
        if cutoff is None or estimate < cutoff:
            chosen, lowest = move, estimate
    return chosen


def _segment(graph: _Graph, move: Move) -> list[int]:
    """The operations from `u` to `v` on their machine."""
    u, v, _ = move
    return graph.sequences[graph.machine[u]][graph.position[u] : graph.position[v] + 1]


def _moved(move: Move, before: list[int]) -> list[int]:
    """The segment in its order after the move."""
    u, v, forward = move
    return before[1:] + [u] if forward else [v] + before[:-1]


def _is_tabu(tabu, move: Move, before: list[int], step: int) -> bool:
    """Whether the move puts back an order between two operations that a recent move undid."""
    u, v, forward = move
    if forward:
        return any(tabu.get((x, u), 0) >= step for x in before[1:])
    return any(tabu.get((v, x), 0) >= step for x in before[:-1])


def _forbid_return(tabu, move: Move, before: list[int], until: int) -> None:
    """After a move, the orders it reversed stay forbidden for a while."""
    u, v, forward = move
    if forward:
        for x in before[1:]:
            tabu[(u, x)] = until
    else:
        for x in before[:-1]:
            tabu[(x, v)] = until


def _estimate(graph: _Graph, after: list[int], first: int, last: int, cutoff: int | None = None) -> int:
    """The longest path through the moved operations `after` (in their new order, between the
    machine neighbours `first` and `last`), from the old heads and tails: exact for those, a close
    lower estimate of the new makespan. Once a path reaches `cutoff` that is returned instead."""
    p, jp, js, release, head, tail = graph.duration, graph.job_prev, graph.job_next, graph.release, graph.head, graph.tail
    if cutoff is None:
        cutoff = 1 << 62
    heads, earlier = [], (head[first] + p[first] if first >= 0 else 0)
    for o in after:
        h, x = release[o], jp[o]
        if x >= 0 and head[x] + p[x] > h:
            h = head[x] + p[x]
        if earlier > h:
            h = earlier
        earlier = h + p[o]
        x = js[o]
        if x >= 0 and earlier + tail[x] + p[x] >= cutoff:  # the path on through its job is long enough
            return cutoff
        heads.append(h)
    longest, later = 0, (tail[last] + p[last] if last >= 0 else 0)
    for k in range(len(after) - 1, -1, -1):
        o = after[k]
        x = js[o]
        if x >= 0 and tail[x] + p[x] > later:
            later = tail[x] + p[x]
        if heads[k] + p[o] + later > longest:
            longest = heads[k] + p[o] + later
            if longest >= cutoff:
                return cutoff
        later += p[o]
    return longest


def _shake(graph: _Graph, sequences, rng) -> None:
    """Back to the best sequences with a few random critical moves, to search elsewhere."""
    graph.restore(sequences)
    graph.times()
    for _ in range(SHAKE_MOVES):
        moves = _moves(graph, _critical_blocks(graph))
        if not moves:
            break
        graph.apply(rng.choice(moves))
