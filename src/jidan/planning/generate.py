"""Seeded make-to-order plants for tests and benchmarks: same seed, same plant."""

from __future__ import annotations

import random
from dataclasses import replace

from jidan.planning.problem import Job, Operation, Problem, Resource

MINUTES_PER_DAY = 24 * 60
FAMILY_SIZE = 3


def generate_plant(orders: int, seed: int = 0, work_centers: int = 30, utilisation: float = 0.85) -> Problem:
    """A plant of `work_centers` work centers and `orders` orders arriving over time.

    Work centers come in families of three interchangeable machines; each operation may use
    one to three of its family. Orders have 3–8 operations, weights 1 (normal), 2 (urgent) or
    4 (key order), and due dates a few times their work after arrival. Arrivals are spread so
    the plant runs at about `utilisation`; every work center has weekly maintenance.
    """
    rng = random.Random(seed)
    centers = [f"WC{i + 1:02d}" for i in range(work_centers)]
    families = [centers[i : i + FAMILY_SIZE] for i in range(0, work_centers, FAMILY_SIZE)]
    routings = []
    for _ in range(orders):
        steps = []
        for _ in range(rng.randint(3, 8)):
            family = rng.choice(families)
            alternatives = rng.sample(family, rng.randint(1, len(family)))
            steps.append((rng.randint(15, 240), tuple(alternatives)))
        routings.append(steps)
    total_work = sum(d for steps in routings for d, _ in steps)
    span = int(total_work / (work_centers * utilisation))
    horizon = span * 3 + 7 * MINUTES_PER_DAY
    resources = tuple(Resource(c, _maintenance(rng, horizon)) for c in centers)
    jobs = []
    for number, steps in enumerate(routings):
        release = rng.randint(0, max(span - sum(d for d, _ in steps), 0))
        work = sum(d for d, _ in steps)
        due = release + int(work * rng.uniform(1.2, 3.0)) + rng.randint(0, MINUTES_PER_DAY)
        order = f"SO-{1001 + number}/1"
        ops = tuple(Operation(f"{order}-{10 * (k + 1)}", d, alts) for k, (d, alts) in enumerate(steps))
        weight = rng.choices((1, 2, 4), weights=(7, 2, 1))[0]
        jobs.append(Job(order, ops, release=release, due=due, weight=weight))
    return Problem(resources, tuple(jobs))


def _maintenance(rng: random.Random, horizon: int) -> tuple[tuple[int, int], ...]:
    """A four-hour maintenance window (设备保养) once a week at a random time of that week."""
    week = 7 * MINUTES_PER_DAY
    windows = []
    for monday in range(0, horizon, week):
        start = monday + rng.randint(0, week - 240)
        windows.append((start, start + 240))
    return tuple(windows)


def generate_plant_with_setups(orders: int, seed: int = 0, families: int = 5, setup_groups: int = 3,
                               minutes: tuple[int, int] = (30, 120), utilisation: float = 0.85) -> Problem:
    """`generate_plant` where each order makes one of `families` product families and the first
    `setup_groups` groups of three work centers (think SMT lines, paint, test benches) change over
    between families: a fixed matrix of `minutes` per ordered pair of different families, the same
    on the machines of a group, none within a family. Batching families pays there: the
    changeovers take about a fifth of those machines' time."""
    plant = generate_plant(orders, seed, utilisation=utilisation)
    rng = random.Random(seed * 7919 + 1)
    names = [f"F{k + 1}" for k in range(families)]
    resources = []
    for index, resource in enumerate(plant.resources):
        group = index // FAMILY_SIZE
        if group < setup_groups:
            if index % FAMILY_SIZE == 0:
                matrix = tuple((a, b, rng.randint(*minutes)) for a in names for b in names if a != b)
            resource = replace(resource, setups=matrix)
        resources.append(resource)
    jobs = []
    for job in plant.jobs:
        family = rng.choice(names)
        jobs.append(replace(job, operations=tuple(replace(op, family=family) for op in job.operations)))
    return Problem(tuple(resources), tuple(jobs))
