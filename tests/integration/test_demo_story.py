"""`jidan demo` plays the story as written (issue 20 section 6): the golden order cannot be met
without moving others (scenario steps 3 and 5, A5, B2), and about one order in eight is urgent."""
from __future__ import annotations

import pytest

from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.demo import factory as demo
from jidan.services.planning.promises import promise
from jidan.services.ports import OrderFilter
from tests.conftest import make_ctx

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture(scope="module")
def demo_factory(tmp_path_factory):
    ctx = make_ctx(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'jidan.db'}")
    made = demo.load_demo(ctx, orders_count=40)
    yield ctx, made
    ctx.engine.dispose()


def test_a5_the_demos_golden_order_is_late_without_moving_others_and_on_time_with_insertion(demo_factory):
    ctx, made = demo_factory
    with ctx.uow() as uow:
        golden = uow.orders.list(OrderFilter(text=made["golden_order"], limit=1))[0][0]
        pmc = uow.users.by_username("pmc")
        pmc, golden_id = Actor(pmc.id, pmc.username, Role(pmc.role), pmc.display_name), golden.id
    answer = promise(ctx, pmc, golden_id)
    assert answer["without_moving"]["on_time"] is False, answer["without_moving"]
    assert answer["with_insertion"]["on_time"] is True, answer["with_insertion"]
    assert answer["with_insertion"]["slipped"]  # the orders moved for it are named (C4)


def test_a3_about_one_demo_order_in_eight_is_urgent(demo_factory):
    ctx, made = demo_factory
    with ctx.uow() as uow:
        orders, total = uow.orders.list(OrderFilter(limit=1000))
        urgent = {o.number for o in orders if o.urgent}
    assert total == made["orders"] + 1  # the generated orders and the golden one
    assert 1 / 10 <= len(urgent) / total <= 1 / 6, (len(urgent), total)
    assert made["golden_order"] in urgent
