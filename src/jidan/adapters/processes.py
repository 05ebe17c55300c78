"""Planning's solves in worker processes, so that the server's threads and its interpreter lock
stay free for requests: `/health` and the pages answer while plans are computed (issue 21).

One pool per server process, as many workers as solves may run at once (``planning_solvers``);
they start on first use ("spawn": a clean interpreter, nothing of the server's threads), at a
lower priority than the server, and are reused. What runs there is a pure function of picklable data (`jidan.planning`)."""
from __future__ import annotations

import importlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from jidan.domain import errors

#: Workers yield the processor to the server: a request waits for no solve, a solve for requests.
NICE = 10
_pools: dict[int, ProcessPoolExecutor] = {}
_lock = threading.Lock()


class ProcessOffload:
    """``offload(fn, *args, **kw)``: ``fn``'s answer, computed in a worker process. ``preload``:
    modules each worker imports as it starts (the planner and OR-Tools take seconds to load)."""

    def __init__(self, workers: int, preload: tuple[str, ...] = ()):
        self.workers, self.preload = workers, preload

    def start(self) -> None:
        """Starts the workers now, in the background, so that the first solve does not wait for them."""
        pool = self._pool()
        for _ in range(self.workers):
            pool.submit(os.getpid)

    def __call__(self, fn, /, *args, **kw):
        pool = self._pool()
        try:
            return pool.submit(fn, *args, **kw).result()
        except BrokenProcessPool as exc:  # a worker died (killed, out of memory): start afresh next time
            with _lock:
                if _pools.get(self.workers) is pool:
                    del _pools[self.workers]
            raise errors.Busy("a planning worker stopped; try again", code="planning.busy") from exc

    def _pool(self) -> ProcessPoolExecutor:
        with _lock:
            if self.workers not in _pools:
                _pools[self.workers] = ProcessPoolExecutor(
                    self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_started,
                    initargs=(self.preload,))
            return _pools[self.workers]


def _started(preload: tuple[str, ...]) -> None:
    os.nice(NICE)
    for module in preload:
        importlib.import_module(module)
