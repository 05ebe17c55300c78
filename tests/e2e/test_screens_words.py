"""No raw key, code or username reaches a page (issue 24): every demo user opens every page it can
reach from its top bar and the links on those pages, in zh-CN and in English, and each page is
read as a person sees it (text nodes, not markup)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from jidan.http.app import create_app
from jidan.services.demo.factory import PASSWORD, USERS
from tests.support import login_csrf

pytestmark = pytest.mark.xdist_group("demo")

#: Pages per user and language; two of each shape (/orders/N …) are enough to see its words in
#: Chinese, one in English (the same templates, read again for the other table).
MAX_PAGES, PER_SHAPE = 150, {"zh": 2, "en": 1}
USERNAMES = [u for u, _, _ in USERS]
#: In English some usernames are ordinary words ("quality", "sales"); these never are.
NEVER_WORDS = [u for u in USERNAMES if "_" in u or u[-1].isdigit() or u == "pmc"]
KEY = re.compile(r"\b(?:ui|msg|error|state|action|role|priority|urgency|channel)\.[a-z_]+(?:\.[a-z_]+)*")
SNAKE = re.compile(r"(?<![\w@./-])[a-z]+_[a-z_]+\b")
#: A lowercase ASCII word on a Chinese page is a code shown raw ("final · pass", "变更：date").
LOWER = re.compile(r"(?<![\w@./:-])[a-z]{3,}\b(?![@./:-]\w)")
ALLOWED_LOWER = {"jidan"}
class _Text(HTMLParser):
    """Visible text and same-page links of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def faults(text: str, lang: str) -> list[str]:
    """What a person should never read on a page in ``lang``."""
    found = [f"key {m}" for m in KEY.findall(text)] + [f"code {m}" for m in SNAKE.findall(text)]
    names = USERNAMES if lang == "zh" else NEVER_WORDS
    found += [f"username {m}" for m in re.findall(r"(?<![\w@.])(%s)(?![\w@])" % "|".join(names), text)]
    if lang == "zh":
        found += [f"word {m}" for m in LOWER.findall(text) if m not in ALLOWED_LOWER and m not in USERNAMES]
    return sorted(set(found))


def _enrich(client: TestClient) -> dict:
    """The demo's released order goes through what puts codes on pages: SMT finished early, an
    in-process inspection with a rework, an equipment failure; an approved order gets a date change."""
    tokens: dict[str, str] = {}

    def call(method, path, user, **kw):
        if user not in tokens:
            tokens[user] = client.post("/api/v1/auth/token", data={"username": user, "password": PASSWORD}
                                       ).json()["access_token"]
        r = client.request(method, path, headers={"Authorization": f"Bearer {tokens[user]}"}, **kw)
        assert r.status_code < 300, (path, r.text)
        return r.json()

    listed = call("GET", "/api/v1/orders?limit=200", "pmc")["items"]
    released = next(o for o in listed if o["status"] == "released")
    approved = next(o for o in listed if o["status"] == "approved")
    tasks = call("GET", f"/api/v1/orders/{released['id']}/progress", "pmc")["tasks"]
    first, check = tasks[0], next(t for t in tasks if t["inspection"])
    for task in tasks[:tasks.index(check) + 1]:
        call("POST", f"/api/v1/tasks/{task['id']}/actions/start", "manufacturing")
        call("POST", f"/api/v1/tasks/{task['id']}/actions/finish", "manufacturing")
    call("POST", f"/api/v1/orders/{released['id']}/inspections", "quality", json={
        "stage": "in_process", "task_id": check["id"], "passed_qty": check["quantity"] - 2, "failed_qty": 2,
        "disposition": "rework", "rework_from_seq": first["step_seq"],
        "defects": [{"code": "SOLDER-BRIDGE", "count": 2}]})
    call("POST", f"/api/v1/orders/{released['id']}/exceptions", "manufacturing", json={
        "kind": "equipment_failure", "description": "贴片机故障", "estimated_delay_minutes": 120,
        "work_center": tasks[-1]["work_center"]})
    call("POST", f"/api/v1/orders/{approved['id']}/change-requests", "sales", json={
        "reason": "客户要求提前", "customer_confirmation": "邮件确认", "requested_date": "2026-12-30"})
    return {"released": released["id"], "approved": approved["id"]}


@pytest.fixture(scope="module")
def crawled_app(demo_ctx):
    app = create_app(demo_ctx)
    with TestClient(app) as client:
        orders = _enrich(client)
    return app, orders


def crawl(app, username: str, lang: str, starts: list[str]) -> tuple[int, list[str]]:
    """Opens up to MAX_PAGES pages from ``starts`` and the links on them; returns how many and
    what was wrong, one line per page and fault."""
    client = TestClient(app)
    r = client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": login_csrf(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    client.get(f"/?lang={lang}")
    queue, seen, shapes, problems, opened = list(starts), set(), {}, [], 0
    while queue and opened < MAX_PAGES:
        url = queue.pop(0)
        shape = re.sub(r"\d+", "N", url.split("?")[0])
        if url in seen or shapes.get(shape, 0) >= PER_SHAPE[lang]:
            continue
        seen.add(url)
        shapes[shape] = shapes.get(shape, 0) + 1
        r = client.get(url)
        opened += 1
        if r.status_code >= 500 or 'role="alert" data-error-code' in r.text or r.status_code >= 400:
            problems.append(f"{url}: status {r.status_code}")
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        parsed = _Text()
        parsed.feed(r.text)
        problems += [f"{url}: {fault}" for fault in faults(" ".join(parsed.parts), lang)]
        for href in parsed.links:
            target = urlsplit(urljoin(f"http://testserver{urlsplit(url).path}", href))
            if target.netloc != "testserver" or target.path.startswith(("/logout", "/static", "/api", "/docs",
                                                                        "/redoc", "/openapi")):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if "lang=" not in link and link not in seen:
                queue.append(link)
    return opened, problems


def test_a1_no_demo_user_reads_a_raw_key_code_or_username_on_any_page_it_can_reach(crawled_app):
    app, orders = crawled_app
    problems = []
    for username, _, role in USERS:
        sees_orders = str(role) not in ("store", "supplier")
        starts = ["/"] + ([f"/orders/{orders['released']}", f"/orders/{orders['released']}/record",
                           f"/orders/{orders['approved']}"] if sees_orders else [])
        for lang in ("zh", "en"):
            opened, found = crawl(app, username, lang, starts)
            assert opened > 1, (username, lang)
            problems += [f"{username} {lang} {p}" for p in found]
    assert problems == []


def test_a1_the_word_check_catches_each_kind_the_tester_saw():
    assert faults("排产方案 #4 · ui.planning.kind.rework", "zh") == ["key ui.planning.kind.rework"]
    assert faults("equipment_failure purchase_order", "en") == ["code equipment_failure", "code purchase_order"]
    assert faults("in_process · pass", "zh") == ["code in_process", "word pass"]
    assert faults("变更：date 原因：planning run 3", "zh") == ["word date", "word planning", "word run"]
    assert faults("创建 → 已提交 sales · 销售", "zh") == ["username sales"]
    assert faults("Quality · sales2", "en") == ["username sales2"]
    assert faults("buyer@c001.example.com 王销售", "zh") == []
