"""Tabu search on machine sequences for the makespan (Nowicki and Smutnicki's N5 moves).

A plan is a sequence of operations on each machine; its earliest times follow from the longest
paths through the routings and those sequences. The makespan only shrinks if the critical path
changes, and the one cheap change that can shorten it is to swap the first two or the last two
operations of a block of critical operations on one machine. Each step makes the best such swap
(judged by an estimate from heads and tails) that is not tabu, so the search climbs out of local
optima instead of stopping in the first.

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

from jidan.planning.problem import Problem
from jidan.planning.result import Assignment, makespan

TENURE = (8, 14)
"""A reversed swap stays tabu for this many steps, drawn at random each time."""
STALL_STEPS = 2500
"""Steps without a new best plan before the search restarts from the best, slightly shaken."""
SHAKE_SWAPS = 3
WORK_PER_SECOND = 1_200_000
"""Operations re-timed per second on our machines: with one worker and a seed, the budget is
counted in this work instead of seconds, so a rerun makes the same steps."""


def applies(problem: Problem, frozen: Mapping[str, Assignment]) -> bool:
    """Whether longest paths time this problem's plans: no downtime and nothing frozen."""
    return not frozen and not any(r.unavailable for r in problem.resources)


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

    def _index_positions(self) -> None:
        for sequence in self.sequences:
            for k, o in enumerate(sequence):
                self.position[o] = k

    def times(self):
        """Machine neighbours, heads (earliest starts) and tails (longest path after the end);
        None when the sequences make a cycle, which a swap next to steps that take no time can."""
        n, p, jp, js = len(self.ids), self.duration, self.job_prev, self.job_next
        mp, ms = [-1] * n, [-1] * n
        for sequence in self.sequences:
            for a, b in zip(sequence, sequence[1:]):
                ms[a], mp[b] = b, a
        waiting = [(jp[o] >= 0) + (mp[o] >= 0) for o in range(n)]
        order = [o for o in range(n) if not waiting[o]]
        head = list(self.release)
        for o in order:  # the list grows as operations become ready: a topological order
            end = head[o] + p[o]
            for s in (js[o], ms[o]):
                if s >= 0:
                    if end > head[s]:
                        head[s] = end
                    waiting[s] -= 1
                    if not waiting[s]:
                        order.append(s)
        if len(order) < n:
            return None
        tail = [0] * n
        for o in reversed(order):
            after = tail[o] + p[o]
            for a in (jp[o], mp[o]):
                if a >= 0 and after > tail[a]:
                    tail[a] = after
        return mp, ms, head, tail

    def makespan(self, head: list[int]) -> int:
        return max(h + d for h, d in zip(head, self.duration))

    def swap(self, u: int, v: int) -> None:
        """`u` directly before `v` on one machine becomes `v` before `u`."""
        sequence, k = self.sequences[self.machine[u]], self.position[u]
        sequence[k], sequence[k + 1] = v, u
        self.position[v], self.position[u] = k, k + 1

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
) -> tuple[Assignment, ...]:
    """The best plan found from `start` within `time_limit`, never worse than `start`; each
    operation stays on the resource `start` gives it. `deterministic` counts work instead of
    seconds, so the same seed gives the same plan; `stop` ends the search early when set."""
    rng = random.Random(seed)
    graph = _Graph(problem, start)
    p, n = graph.duration, len(graph.ids)
    timed = graph.times()
    if timed is None:
        return start
    mp, ms, head, tail = timed
    value = graph.makespan(head)
    best, best_sequences = value, [list(s) for s in graph.sequences]
    tabu: dict[tuple[int, int], int] = {}
    refused: set[tuple[int, int]] = set()  # swaps that made a cycle, until a swap is made
    deadline, work, allowed = time.monotonic() + time_limit, 0, time_limit * WORK_PER_SECOND
    step = stalled = 0
    while (work < allowed) if deterministic else (time.monotonic() < deadline):
        if stop is not None and stop.is_set():
            break
        step += 1
        stalled += 1
        work += n
        moves = _moves(_critical_blocks(graph, mp, head))
        if not moves:
            break  # the critical path is one block: no swap shortens it (optimal without releases)
        candidates = [move for move in moves if move not in refused]
        if not candidates:
            break  # every swap left would make a cycle
        u, v = _best_allowed(graph, candidates, mp, ms, head, tail, tabu, step, best) or rng.choice(candidates)
        graph.swap(u, v)
        tabu[(v, u)] = step + rng.randint(*TENURE)
        timed = graph.times()
        if timed is None:  # a cycle through steps that take no time: undo, and not again from here
            graph.swap(v, u)
            refused.add((u, v))
            continue
        refused.clear()
        mp, ms, head, tail = timed
        value = graph.makespan(head)
        if value < best:
            best, best_sequences, stalled = value, [list(s) for s in graph.sequences], 0
        elif stalled > STALL_STEPS:
            mp, ms, head, tail = _shake(graph, best_sequences, rng)
            tabu.clear()
            stalled = 0
    if best >= makespan(problem, start):
        return start
    graph.restore(best_sequences)
    head = graph.times()[2]
    return tuple(
        Assignment(graph.jobs[o], graph.ids[o], graph.resource[o], head[o], head[o] + p[o]) for o in range(n)
    )


def _critical_blocks(graph: _Graph, mp, head) -> list[list[int]]:
    """One critical path, cut into blocks of operations that follow each other on one machine."""
    p, jp = graph.duration, graph.job_prev
    o = max(range(len(p)), key=lambda o: head[o] + p[o])
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


def _moves(blocks: list[list[int]]) -> list[tuple[int, int]]:
    """N5: swap the first two operations of each block but the first, and the last two of each
    but the last; other swaps inside a block cannot shorten the path."""
    moves = []
    last = len(blocks) - 1
    for k, block in enumerate(blocks):
        if len(block) < 2:
            continue
        if k > 0:
            moves.append((block[0], block[1]))
        if k < last and (len(block) > 2 or k == 0):
            moves.append((block[-2], block[-1]))
    return moves


def _best_allowed(graph, candidates, mp, ms, head, tail, tabu, step, best) -> tuple[int, int] | None:
    """The swap with the lowest estimated makespan that is not tabu, or that would beat the best
    plan found (aspiration)."""
    chosen, lowest = None, None
    for u, v in candidates:
        estimate = _estimate(graph, u, v, mp, ms, head, tail)
        if tabu.get((u, v), 0) >= step and estimate >= best:
            continue
        if lowest is None or estimate < lowest:
            chosen, lowest = (u, v), estimate
    return chosen


def _estimate(graph: _Graph, u: int, v: int, mp, ms, head, tail) -> int:
    """The longest path through `u` and `v` once swapped, from the old heads and tails (exact
    for those two, a close lower estimate of the new makespan)."""
    p, jp, js, release = graph.duration, graph.job_prev, graph.job_next, graph.release
    before, after = mp[u], ms[v]
    x = jp[v]
    head_v = max(release[v], head[x] + p[x] if x >= 0 else 0, head[before] + p[before] if before >= 0 else 0)
    x = jp[u]
    head_u = max(release[u], head[x] + p[x] if x >= 0 else 0, head_v + p[v])
    x = js[u]
    tail_u = max(tail[x] + p[x] if x >= 0 else 0, tail[after] + p[after] if after >= 0 else 0)
    x = js[v]
    tail_v = max(tail[x] + p[x] if x >= 0 else 0, tail_u + p[u])
    return max(head_v + p[v] + tail_v, head_u + p[u] + tail_u)


def _shake(graph: _Graph, sequences, rng):
    """Back to the best sequences with a few random critical swaps, to search elsewhere."""
    graph.restore(sequences)
    timed = graph.times()
    for _ in range(SHAKE_SWAPS):
        moves = _moves(_critical_blocks(graph, timed[0], timed[2]))
        if not moves:
            break
        u, v = rng.choice(moves)
        graph.swap(u, v)
        shaken = graph.times()
        if shaken is None:
            graph.swap(v, u)
        else:
            timed = shaken
    return timed
