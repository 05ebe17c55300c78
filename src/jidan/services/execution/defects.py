"""The defect-code catalogue (缺陷代码, issue 24): admin keeps it, quality records inspections
with its codes instead of typing them. Once the catalogue holds a code, an inspection's defects
must be active codes of it; a factory that has set none up still writes its own."""
from __future__ import annotations

import re
from dataclasses import asdict

from jidan.domain import errors
from jidan.domain.execution import DefectCode
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_order_access, require_role

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")


def view(d: DefectCode) -> dict:
    return {"id": d.id, "code": d.code, "name_zh": d.name_zh, "name_en": d.name_en, "active": d.active,
            "version": d.version}


def catalogue(ctx: Context, actor: Actor, active_only: bool = False) -> list[dict]:
    """The codes, by code; everyone who works on orders may read them."""
    require_order_access(actor)
    with ctx.uow() as uow:
        return [view(d) for d in uow.defect_codes.all(active_only)]


def save(ctx: Context, actor: Actor | None, code: str, name_zh: str, name_en: str, active: bool = True,
         version: int | None = None) -> dict:
    """Adds a code, or renames, retires or restores one (admin; ``None``: the demo loader)."""
    if actor is not None:
        require_role(actor, {Role.ADMIN})
    code, name_zh, name_en = code.strip(), name_zh.strip(), name_en.strip()
    fields = {name: "required" for name, value in (("name_zh", name_zh), ("name_en", name_en)) if not value}
    fields |= {name: "too_long" for name, value in (("name_zh", name_zh), ("name_en", name_en)) if len(value) > 100}
    if not CODE.fullmatch(code):
        fields["code"] = "required" if not code else "bad_code"
    if fields:
        raise errors.ValidationFailed("the defect code is not complete", fields=fields)
    with ctx.uow() as uow:
        found = uow.defect_codes.by_code(code)
        values = {"name_zh": name_zh, "name_en": name_en, "active": active}
        if found is None:
            defect_id = uow.defect_codes.add(code=code, created_at=ctx.now(), **values)
            audit.record(uow, ctx, actor, "defect_code", defect_id, "create", None, {"code": code, **values})
        else:
            if version is not None and version != found.version:
                raise errors.StaleVersion("the defect code was changed meanwhile", current_version=found.version)
            defect_id = found.id
            uow.defect_codes.update(found.id, found.version, **values)
            old = {k: v for k, v in asdict(found).items() if k in values}
            audit.record(uow, ctx, actor, "defect_code", defect_id, "update", old, values)
        made = view(uow.defect_codes.get(defect_id))
        uow.commit()
        return made


def check(uow, codes: list[str]) -> dict[str, str]:
    """Field errors for defects whose code the catalogue does not hold (active), by position."""
    known = {d.code for d in uow.defect_codes.all(active_only=True)}
    if not known and not uow.defect_codes.all():
        return {}
    return {f"defects.{k}.code": "unknown_defect_code" for k, code in enumerate(codes) if code not in known}
