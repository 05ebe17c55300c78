"""The defect-code catalogue (issue 24): admin keeps it, quality's inspection form picks from it,
an inspection names only its active codes once it holds any; the demo seeds it."""
from __future__ import annotations

import re

import pytest

from jidan.domain import errors
from jidan.services.execution import defects
from tests.e2e.execution_support import INSPECTED_PRODUCT, released
from tests.e2e.test_quality_api import _inspect, _run_to_ict
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture
def oid(api):
    assert api.post("/api/v1/products", "admin", json=INSPECTED_PRODUCT).status_code == 201
    return released(api, "ICB-9", lines=[{"product": "ICB-100", "quantity": 100}])


def test_f1_once_the_catalogue_holds_codes_an_inspection_names_only_its_active_ones(api, ctx, actors, oid):
    defects.save(ctx, actors["admin"], "OPEN", "开路", "Open circuit")
    defects.save(ctx, actors["admin"], "SHORT", "短路", "Short circuit")
    defects.save(ctx, actors["admin"], "OLD", "旧代码", "Old code", active=False)
    ict = _run_to_ict(api, oid)
    for bad in ("开路", "OLD"):
        r = _inspect(api, oid, stage="in_process", task_id=ict["id"], passed_qty=100,
                     defects=[{"code": "OPEN", "count": 1}, {"code": bad, "count": 1}])
        assert r.status_code == 422 and r.json()["fields"] == {"defects.1.code": "unknown_defect_code"}, r.text
    r = _inspect(api, oid, stage="in_process", task_id=ict["id"], passed_qty=100,
                 defects=[{"code": "OPEN", "count": 1}, {"code": "SHORT", "count": 2}])
    assert r.status_code == 201, r.text


def test_f1_admin_keeps_the_catalogue_with_an_audit_row_and_nobody_else_may(ctx, actors):
    made = defects.save(ctx, actors["admin"], "SCRATCH", "划伤", "Scratch")
    changed = defects.save(ctx, actors["admin"], "SCRATCH", "外观划伤", "Scratch", active=False, version=made["version"])
    assert (changed["name_zh"], changed["active"], changed["version"]) == ("外观划伤", False, 2)
    with pytest.raises(errors.StaleVersion):
        defects.save(ctx, actors["admin"], "SCRATCH", "划伤", "Scratch", version=made["version"])
    with pytest.raises(errors.Forbidden):
        defects.save(ctx, actors["quality"], "X1", "某", "Some")
    with pytest.raises(errors.ValidationFailed) as bad:
        defects.save(ctx, actors["admin"], "有 空格", "", "x" * 101)
    assert bad.value.fields == {"code": "bad_code", "name_zh": "required", "name_en": "too_long"}
    with ctx.uow() as uow:
        trail = [e.action for e in uow.audit.for_entity("defect_code", made["id"])]
    assert trail == ["create", "update"]
    assert [d["code"] for d in defects.catalogue(ctx, actors["quality"], active_only=True)] == []


def test_f1_the_catalogue_page_edits_for_admin_reads_for_quality_and_the_form_picks_from_it(api, ctx, oid):
    admin, csrf = web_session(ctx, "admin")
    r = admin.post("/defect-codes", data={"csrf_token": csrf, "code": "OPEN", "name_zh": "开路",
                                          "name_en": "Open circuit", "active": "on"}, follow_redirects=False)
    assert r.status_code == 303
    bad = admin.post("/defect-codes", data={"csrf_token": csrf, "code": "a b", "name_zh": "", "name_en": "x"})
    assert bad.status_code == 422 and "只能用字母、数字" in bad.text and "必填" in bad.text
    page = admin.get("/defect-codes").text
    assert 'data-code="OPEN"' in page and 'data-testid="new-defect-code"' in page
    quality, qcsrf = web_session(ctx, "quality")
    read = quality.get("/defect-codes").text
    assert "开路" in read and 'data-testid="new-defect-code"' not in read and 'href="/defect-codes"' in read
    assert quality.post("/defect-codes", data={"csrf_token": qcsrf, "code": "X", "name_zh": "x",
                                               "name_en": "x"}).status_code == 403
    ict = _run_to_ict(api, oid)
    form = quality.get(f"/orders/{oid}/inspections/new?task_id={ict['id']}").text
    assert re.search(r'<select name="defect_code" data-testid="defect-pick">', form)
    assert '<option value="OPEN" >开路 · OPEN</option>' in form


def test_f1_the_demo_seeds_the_catalogue(demo_ctx):
    from jidan.domain.model import Actor
    from jidan.domain.roles import Role
    codes = defects.catalogue(demo_ctx, Actor(1, "quality", Role.QUALITY), active_only=True)
    assert {"SHORT", "OPEN", "SOLDER-BRIDGE"} <= {d["code"] for d in codes} and all(d["name_en"] for d in codes)
