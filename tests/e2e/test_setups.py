"""Changeover times from the plant's master data to every plan (issue 25 §3, C2, C3, B2): product
families, each work center's matrix by family pair entered by pmc, read by the plant model."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from jidan.domain import errors
from jidan.services.masterdata import setups
from tests.e2e.test_materials_api import approved_order, full_plan
from tests.conftest import urgent_order_payload
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MATRIX = [("SCB", "PWR", 45), ("PWR", "SCB", 60), ("SCB", "SCB", 0)]


def put(api, user: str, code: str, body: dict):
    return api.client.put(f"/api/v1/work-centers/{code}/setups", headers=api.as_(user), json=body)


def rows(*pairs) -> list[dict]:
    return [{"from_family": a, "to_family": b, "minutes": m} for a, b, m in pairs]


def test_c2_pmc_replaces_a_work_centers_matrix_whole_with_an_audit_row_and_a_version(ctx, actors):
    made = setups.replace(ctx, actors["pmc"], "SMT1", MATRIX, version=0)
    assert made["version"] == 1 and made["setups"] == rows(("PWR", "SCB", 60), ("SCB", "PWR", 45), ("SCB", "SCB", 0))
    assert made["families"] == ["PWR", "SCB"]
    again = setups.replace(ctx, actors["engineering"], "SMT1", [("SCB", "PWR", 30)], version=1)
    assert again["setups"] == rows(("SCB", "PWR", 30)) and again["version"] == 2
    assert [h["by"] for h in again["history"]] == ["engineering", "pmc"]  # people's names, latest first
    with ctx.uow() as uow:
        trail = uow.audit.for_entity("work_center_setups", "SMT1")
    assert [e.action for e in trail] == ["replace", "replace"]
    assert trail[1].old["setups"] == [["PWR", "SCB", 60], ["SCB", "PWR", 45], ["SCB", "SCB", 0]]
    assert trail[1].new == {"version": 2, "setups": [["SCB", "PWR", 30]]}
    with pytest.raises(errors.StaleVersion):
        setups.replace(ctx, actors["pmc"], "SMT1", MATRIX, version=1)
    with pytest.raises(errors.ValidationFailed) as bad:
        setups.replace(ctx, actors["pmc"], "SMT1", [("SCB", "PWR", 30), ("SCB", "PWR", 2000)])
    assert bad.value.fields == {"setups.1": "duplicate_pair", "setups.1.minutes": "out_of_range"}
    assert bad.value.code == "setups.invalid"
    assert setups.matrix(ctx, actors["sales"], "SMT1")["version"] == 2  # nothing of the refused ones kept
    with pytest.raises(errors.Forbidden):
        setups.replace(ctx, actors["sales"], "SMT1", MATRIX)
    with pytest.raises(errors.NotFound):
        setups.matrix(ctx, actors["pmc"], "NOPE")


def test_c2_the_api_reads_and_replaces_a_matrix_with_403_404_409_and_422(api):
    assert api.get("/api/v1/work-centers/SMT2/setups", "quality").json()["setups"] == []
    r = put(api, "pmc", "SMT2", {"setups": rows(*MATRIX), "version": 0})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 1 and len(r.json()["setups"]) == 3
    assert api.get("/api/v1/work-centers/SMT2/setups", "manufacturing").json() == r.json()
    assert put(api, "sales", "SMT2", {"setups": []}).status_code == 403
    assert api.get("/api/v1/work-centers/SMT2/setups", "supplier").status_code == 403
    missing = put(api, "pmc", "NOPE", {"setups": []})
    assert missing.status_code == 404 and missing.json()["code"] == "work_center.not_found"
    assert api.get("/api/v1/work-centers/NOPE/setups", "pmc").status_code == 404
    stale = put(api, "pmc", "SMT2", {"setups": [], "version": 0})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    schema = put(api, "pmc", "SMT2", {"setups": rows(("SCB", "a b", 1441), ("", "PWR", -1))})
    assert schema.status_code == 422
    assert set(schema.json()["fields"]) == {"setups.0.to_family", "setups.0.minutes", "setups.1.from_family",
                                            "setups.1.minutes"}
    twice = put(api, "pmc", "SMT2", {"setups": rows(("SCB", "PWR", 5), ("SCB", "PWR", 9))})
    assert twice.status_code == 422 and twice.json()["fields"] == {"setups.1": "duplicate_pair"}
    emptied = put(api, "admin", "SMT2", {"setups": [], "version": 1})
    assert emptied.status_code == 200 and emptied.json()["setups"] == []


def test_c2_the_openapi_document_describes_the_matrix_routes(api):
    doc = api.client.get("/openapi.json").json()
    route = doc["paths"]["/api/v1/work-centers/{code}/setups"]
    assert {"get", "put"} <= set(route)
    assert route["put"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("SetupMatrix")
    assert {"403", "404", "409", "422"} <= set(route["put"]["responses"])
    minutes = doc["components"]["schemas"]["ChangeoverIn"]["properties"]["minutes"]
    assert (minutes["minimum"], minutes["maximum"]) == (0, 1440)


def test_c2_a_product_has_a_family_on_creation_and_later_with_one_check_for_every_way_in(api):
    body = {"code": "NEW-1", "name": "新板", "unit_price": "10", "standard_lead_days": 5,
            "routing": [{"seq": 10, "work_center": "SMT1", "name": "贴片", "minutes_per_unit": "0.5"}]}
    made = api.post("/api/v1/products", "pmc", json=body | {"family": "SCB"})
    assert made.status_code == 201 and made.json()["family"] == "SCB"
    assert api.post("/api/v1/products", "pmc", json=body | {"code": "NEW-2", "family": "有 空格"}).status_code == 422
    assert api.post("/api/v1/products", "pmc", json=body | {"code": "NEW-3"}).json()["family"] is None
    r = api.client.put("/api/v1/products/NEW-3/family", headers=api.as_("engineering"), json={"family": "PWR"})
    assert r.status_code == 200 and r.json()["family"] == "PWR"
    cleared = api.client.put("/api/v1/products/NEW-3/family", headers=api.as_("pmc"), json={"family": ""})
    assert cleared.json()["family"] is None
    bad = api.client.put("/api/v1/products/NEW-3/family", headers=api.as_("pmc"), json={"family": "a/b"})
    assert bad.status_code == 422 and "family" in bad.json()["fields"]
    assert api.client.put("/api/v1/products/NOPE/family", headers=api.as_("pmc"), json={}).status_code == 404
    assert api.client.put("/api/v1/products/NEW-3/family", headers=api.as_("quality"), json={}).status_code == 403
    stale = api.client.put("/api/v1/products/NEW-3/family", headers=api.as_("pmc"), json={"family": "X", "version": 1})
    assert stale.status_code == 409


def test_c2_the_service_refuses_a_bad_family_by_the_same_rule_as_the_api(ctx, actors):
    with pytest.raises(errors.ValidationFailed) as bad:
        setups.set_family(ctx, actors["pmc"], "P002", "a b")
    assert bad.value.fields == {"family": "invalid_code"}


def _families_and_setups(api) -> None:
    """SCB-200 and P002 in two families that take an hour to change between on every line."""
    for code, family in (("SCB-200", "SCB"), ("P002", "PWR")):
        assert api.client.put(f"/api/v1/products/{code}/family", headers=api.as_("pmc"),
                              json={"family": family}).status_code == 200
    for wc in ("SMT1", "SMT2", "ASM1"):
        assert put(api, "pmc", wc, {"setups": rows(("SCB", "PWR", 60), ("PWR", "SCB", 60))}).status_code == 200


def test_b2_the_promise_and_the_insertion_keep_their_time_limits_with_setups_on(api):
    _families_and_setups(api)
    for i in range(4):
        approved_order(api, f"N-{i}", qty=300, date="2026-11-27")
        approved_order(api, f"P-{i}", product="P002", qty=200, date="2026-11-30")
    full_plan(api)
    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    limit = 1.0
    started = time.perf_counter()
    r = api.post("/api/v1/planning/promise", "sales", json={"order_id": urgent["id"], "time_limit": limit})
    assert r.status_code == 200, r.text
    assert time.perf_counter() - started < limit + 4  # generous: the 2-core test machine is shared
    api.act(urgent["id"], "review", "pmc")
    api.act(urgent["id"], "approve", "management")
    started = time.perf_counter()
    run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "insert", "order_id": urgent["id"],
                                                         "time_limit": limit})
    assert run.status_code in (200, 201), run.text
    assert time.perf_counter() - started < limit + 4


def test_c2_pmc_fills_the_grid_on_the_page_and_a_refused_grid_comes_back_with_its_cells_marked(api, ctx, actors):
    pmc, csrf = web_session(ctx, "pmc")
    setups.set_family(ctx, None, "SCB-200", "SCB")
    setups.set_family(ctx, None, "P002", "PWR")
    page = pmc.get("/workcenters/SMT1/setups")
    assert page.status_code == 200 and 'data-testid="setup-grid"' in page.text
    assert 'name="m|SCB|PWR"' in page.text and 'name="m|PWR|SCB"' in page.text
    bad = pmc.post("/workcenters/SMT1/setups", data={"csrf_token": csrf, "version": "0", "m|SCB|PWR": "2000",
                                                     "m|PWR|SCB": "abc", "m|SCB|SCB": ""})
    assert bad.status_code == 422 and bad.text.count('aria-invalid="true"') == 2
    assert setups.matrix(ctx, actors["pmc"], "SMT1")["setups"] == []
    saved = pmc.post("/workcenters/SMT1/setups", data={"csrf_token": csrf, "version": "0", "m|SCB|PWR": "45",
                                                       "m|PWR|SCB": "60", "m|SCB|SCB": ""}, follow_redirects=False)
    assert saved.status_code == 303
    shown = pmc.get("/workcenters/SMT1/setups?lang=en")
    assert 'value="45"' in shown.text and "saved 2 pairs" in shown.text and "pmc" in shown.text
    stale = pmc.post("/workcenters/SMT1/setups", data={"csrf_token": csrf, "version": "0", "m|SCB|PWR": "5"})
    assert stale.status_code == 409 and 'data-error-code="stale_version"' in stale.text
    added = pmc.get("/workcenters/SMT1/setups?add=CTL")
    assert 'name="m|CTL|SCB"' in added.text
    assert pmc.get("/workcenters/SMT1/setups?add=a%20b").status_code == 422
    index = pmc.get("/setups")
    assert index.status_code == 200 and 'data-testid="product-families"' in index.text and "/workcenters/SMT1/setups" in index.text
    family = pmc.post("/setups/products/P002/family", data={"csrf_token": csrf, "family": "PSU"}, follow_redirects=False)
    assert family.status_code == 303 and setups.matrix(ctx, actors["pmc"], "SMT1")["families"] == ["PSU", "PWR", "SCB"]


def test_c2_the_grid_is_read_only_for_the_floor_and_the_matrix_goes_out_to_excel_and_back(api, ctx, actors):
    setups.replace(ctx, None, "SMT1", MATRIX)
    floor, floor_csrf = web_session(ctx, "manufacturing")
    page = floor.get("/workcenters/SMT1/setups")
    assert page.status_code == 200 and 'name="m|' not in page.text and "/setups/import" not in page.text
    sheet = floor.get("/workcenters/SMT1/setups.xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK"
    assert floor.post("/workcenters/SMT1/setups", data={"csrf_token": floor_csrf, "m|SCB|PWR": "5"}).status_code == 403
    pmc, csrf = web_session(ctx, "pmc")
    setups.replace(ctx, None, "SMT2", [])
    made = pmc.post("/workcenters/SMT2/setups/import", data={"csrf_token": csrf, "version": "1"},
                    files={"file": ("m.xlsx", sheet.content, XLSX)}, follow_redirects=False)
    assert made.status_code == 303, made.text
    assert setups.matrix(ctx, actors["pmc"], "SMT2")["setups"] == setups.matrix(ctx, actors["pmc"], "SMT1")["setups"]
    csv = "from_family,to_family,minutes\nSCB,PWR,30\nSCB,PWR,40\nA,B,x\n".encode()
    bad = pmc.post("/workcenters/SMT2/setups/import", data={"csrf_token": csrf},
                   files={"file": ("m.csv", csv, "text/csv")})
    assert bad.status_code == 422
    with pytest.raises(errors.ValidationFailed) as refused:
        setups.import_sheet(ctx, actors["pmc"], "SMT2", "m.csv", csv)
    assert refused.value.fields == {"setups.3": "duplicate_pair", "setups.4.minutes": "not_whole"}  # sheet rows



@pytest.mark.parametrize("sent", [0, None])
def test_c2_editors_saving_one_matrix_at_once_never_mix_their_matrices(ctx, actors, sent):
    """With the version read, one wins and the rest get 409; without it, each write is whole."""
    barrier = threading.Barrier(6)

    def save(i: int):
        matrix = [("SCB", "PWR", i), ("PWR", "SCB", i), (f"F{i}", "SCB", i)]
        barrier.wait()
        try:
            return setups.replace(ctx, actors["pmc"], "SMT1", matrix, version=sent)["version"]
        except errors.StaleVersion:
            return None

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(save, range(6)))
    won = [r for r in results if r is not None]
    final = setups.matrix(ctx, actors["pmc"], "SMT1")
    assert len({s["minutes"] for s in final["setups"]}) == 1 and len(final["setups"]) == 3
    assert final["version"] == len(won) and len(final["history"]) == len(won)
    if sent is not None:
        assert len(won) == 1
