"""A tabu search in a process of its own, so a second core searches too (the search is pure
Python and holds the interpreter while it runs).

The process is a fresh interpreter running this module (not `multiprocessing`, whose spawned
children import the caller's main script again and fail in one without a main guard). The
problem goes to it pickled on its standard input; closing that input tells it to stop; its plan
(or its error) comes back pickled on its standard output, and a process that has answered has
stopped: the caller's own search stops then too (`Elsewhere.finished`), as the other one ended
early only at a plan nothing can shorten.
"""

from __future__ import annotations

import os
import pickle
import select
import subprocess
import sys
import time

from jidan.planning import tabu
from jidan.planning.problem import Problem
from jidan.planning.result import Assignment


class Elsewhere:
    """A tabu search from `start` with its own `seed` until `deadline` (`time.monotonic`, one
    clock for every process on the machine), or until told to stop, or at the lower `bound`."""

    def __init__(self, problem: Problem, start: tuple[Assignment, ...], deadline: float, seed: int | None, bound: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)},  # the same code as ours
        )
        self.process.stdin.write(pickle.dumps((problem, start, deadline, seed, bound)))
        self.process.stdin.flush()

    def answered(self) -> bool:
        """Whether the search has ended and sent its plan (or died)."""
        return bool(select.select([self.process.stdout], [], [], 0)[0])

    def stop(self) -> None:
        """Tell the search to stop (it answers within a step)."""
        if not self.process.stdin.closed:
            self.process.stdin.close()

    def answer(self) -> tuple[Assignment, ...] | BaseException:
        """The search's plan, or its error (not raised, so every search is waited for)."""
        self.stop()
        answer = self.process.stdout.read()
        self.process.wait()
        if not answer:
            return RuntimeError(f"the tabu search process ended with code {self.process.returncode} and no plan")
        return pickle.loads(answer)


class Finished:
    """Set (for `tabu.improve`'s `stop`) once any of the searches elsewhere has answered."""

    def __init__(self, searches: list[Elsewhere]):
        self.outputs = [s.process.stdout for s in searches]

    def is_set(self) -> bool:
        return bool(self.outputs) and bool(select.select(self.outputs, [], [], 0)[0])


class _Told:
    """Set once the caller closes our standard input (or writes to it)."""

    def is_set(self) -> bool:
        return bool(select.select([sys.stdin.buffer], [], [], 0)[0])


def _main() -> None:
    problem, start, deadline, seed, bound = pickle.load(sys.stdin.buffer)
    try:
        answer = tabu.improve(problem, start, deadline - time.monotonic(), seed, stop=_Told(), lower_bound=bound)
    except Exception as error:  # raised again in the caller
        answer = error
    sys.stdout.buffer.write(pickle.dumps(answer))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _main()
