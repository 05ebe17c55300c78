"""Measures the top bar in chromium, script off, for some users at some widths; prints JSON.

Run as its own process (``python -m tests.e2e.cleanup_nav_probe URL '{"pmc": "生产计划"}' 768 1280``)
so that its Playwright does not meet the one a browser test module keeps open for the session.
"""
from __future__ import annotations

import json
import sys

from playwright.sync_api import sync_playwright

from tests.e2e.browser_conftest import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD

#: What must stand on the bar's one line.
ONE_LINE = "header.topbar > .brand, .nav > a, .nav > details, header.topbar .user > *"
CENTRES = """selector => [...document.querySelectorAll(selector)].filter(e => e.offsetParent)
             .map(e => e.getBoundingClientRect()).map(r => Math.round(r.top + r.height / 2))"""


def measure(browser, base: str, user: str, link: str, width: int) -> dict:
    context = browser.new_context(base_url=base, locale="zh-CN", java_script_enabled=False,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5000)
    try:
        page.goto("/login")
        page.fill("input[name=username]", user)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form[action='/login'] button[type=submit]")
        page.wait_for_url("**/orders")
        centres = page.evaluate(CENTRES, ONE_LINE)
        menu_link = page.locator(".nav-more .nav-menu a", has_text=link)
        hidden_before = not menu_link.is_visible()
        page.click(".nav-more > summary")
        shown_after = menu_link.is_visible()
        menu_link.click()
        page.wait_for_load_state()
        return {"height": page.evaluate("document.querySelector('header.topbar').offsetHeight"),
                "spread": max(centres) - min(centres), "hidden_before": hidden_before,
                "shown_after": shown_after,
                "current_in_menu": page.locator(".nav-more .nav-menu a[aria-current=page]").count()}
    finally:
        context.close()


def main(base: str, links: dict[str, str], widths: list[int]) -> dict:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return {f"{user}@{width}": measure(browser, base, user, link, width)
                    for user, link in links.items() for width in widths}
        finally:
            browser.close()


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], json.loads(sys.argv[2]), [int(w) for w in sys.argv[3:]])))
