"""The top bar on a tablet and a desktop: one line for every role, the areas under 更多 (E1, without script).

Chromium runs in a process of its own (``cleanup_nav_probe``): the browser test modules share one
pytest process, and Playwright's sync API allows one instance per thread.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.browser_conftest import CHROMIUM, demo_ctx, live_server  # noqa: F401  (fixtures by name)

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
WIDTHS = (768, 1280)
#: user → a page of its area that sits under 更多, by its link text.
AREA_LINK = {"pmc": "生产计划", "manufacturing": "工作中心", "admin": "应急组织", "management": "订单应急"}


@pytest.fixture(scope="module")
def bars(live_server):  # noqa: F811
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    probe = subprocess.run([sys.executable, "-m", "tests.e2e.cleanup_nav_probe", live_server,
                            json.dumps(AREA_LINK, ensure_ascii=False), *map(str, WIDTHS)],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert probe.returncode == 0, probe.stderr[-3000:]
    return json.loads(probe.stdout)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("user", sorted(AREA_LINK))
def test_e1_the_top_bar_keeps_to_one_line_and_opens_更多_without_script(bars, user, width):
    bar = bars[f"{user}@{width}"]
    assert bar["height"] < 70 and bar["spread"] <= 4, bar
    assert bar["hidden_before"] and bar["shown_after"], bar
    assert bar["current_in_menu"] == 1, bar
