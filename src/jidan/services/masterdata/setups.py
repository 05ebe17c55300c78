"""Changeover times (换线时间) per work center and product families (产品族), as pmc enters them.

The planner reads them (services/planning/plant.py): an operation carries its product's family,
a work center its matrix, and changing family on it takes the matrix's minutes. A matrix is
replaced whole, under its version (the work center's ``setups_version``): a writer that read an
older one gets 409, and of two writers at once the second waits on the first and then gets 409,
so a matrix is never a mix of two people's edits.
"""
from __future__ import annotations

from dataclasses import astuple

from jidan.domain import errors
from jidan.domain.horizon import work_center_kind
from jidan.domain.model import Actor
from jidan.domain.roles import MASTER_DATA, Role
from jidan.domain.setups import MAX_MINUTES, MAX_PAIRS, Changeover, family_error, family_of, matrix_errors
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.masterdata.catalogue import READERS, product_view
from jidan.services.names import display_name
from jidan.services.permissions import require_role

#: Who enters changeovers: planning (pmc), the engineers who know the lines, and admin.
EDITORS = frozenset({Role.PMC, Role.ENGINEERING, Role.ADMIN})
#: Who gives a product its family: those who keep products, and the engineers.
FAMILY_EDITORS = MASTER_DATA | {Role.ENGINEERING}
#: The spreadsheet's columns (export and import).
SHEET_COLUMNS = ("from_family", "to_family", "minutes")


def _work_center(uow, code: str):
    found = uow.plant.work_center(code)
    if found is None:
        raise errors.NotFound(f"work center {code} not found", code="work_center.not_found")
    return found


def _rows(matrix) -> list[dict]:
    return [{"from_family": c.from_family, "to_family": c.to_family, "minutes": c.minutes} for c in matrix]


def _view(uow, wc, matrix: tuple[Changeover, ...], version: int) -> dict:
    """The matrix with its families and those of the products made on work centers of its kind
    (the grid's rows and columns), and who changed it when, by name (none: the system, as the
    demo loader)."""
    kind = work_center_kind(wc.code)
    named = {p.family for p in uow.products.list() if p.family
             and any(work_center_kind(s.work_center_code) == kind for s in p.routing)}
    families = sorted(named | {c.from_family for c in matrix} | {c.to_family for c in matrix})
    names: dict = {}
    history = [{"at": e.at.isoformat(timespec="minutes"), "by": display_name(uow, e.actor_id, names),
                "pairs": len((e.new or {}).get("setups", []))}
               for e in reversed(uow.audit.for_entity("work_center_setups", wc.code))]
    return {"work_center": wc.code, "name": wc.name, "version": version, "families": families,
            "max_minutes": MAX_MINUTES, "setups": _rows(matrix), "history": history}


def matrix(ctx: Context, actor: Actor, code: str) -> dict:
    """A work center's changeover matrix; everyone who reads master data may read it."""
    require_role(actor, READERS)
    with ctx.uow() as uow:
        wc = _work_center(uow, code)
        return _view(uow, wc, uow.setups.matrices(code).get(code, ()), wc.setups_version)


def overview(ctx: Context, actor: Actor) -> dict:
    """Each work center with how many family pairs its matrix holds, and the finished products
    with their families: the index pmc picks a matrix or a product's family from."""
    require_role(actor, READERS)
    with ctx.uow() as uow:
        matrices = uow.setups.matrices()
        return {"work_centers": [{"code": w.code, "name": w.name, "department": w.department_code,
                                  "pairs": len(matrices.get(w.code, ()))} for w in uow.plant.work_centers()],
                "products": [{"code": p.code, "name": p.name, "family": p.family, "version": p.version}
                             for p in uow.products.list("finished")]}


def replace(ctx: Context, actor: Actor | None, code: str, rows: list[tuple], version: int | None = None) -> dict:
    """Puts ``rows`` (from family, to family, minutes) in place of the work center's matrix, every
    bad field named at once (422); ``version``: the one the editor read (409 if it moved on)."""
    if actor is not None:
        require_role(actor, EDITORS)
    with ctx.uow() as uow:
        wc = _work_center(uow, code)
        if fields := matrix_errors(rows):
            raise errors.ValidationFailed("the changeover matrix is not valid", code="setups.invalid", fields=fields)
        if version is not None and version != wc.setups_version:
            raise errors.StaleVersion("the changeovers were changed meanwhile; reload them",
                                      current_version=wc.setups_version)
        new = tuple(sorted(Changeover(family_of(a), family_of(b), m) for a, b, m in rows))
        old = uow.setups.matrices(code).get(code, ())
        made = uow.setups.replace(code, wc.setups_version, new)
        audit.record(uow, ctx, actor, "work_center_setups", code, "replace",
                     {"version": wc.setups_version, "setups": [astuple(c) for c in old]},
                     {"version": made, "setups": [astuple(c) for c in new]})
        view = _view(uow, wc, new, made)
        uow.commit()
        return view


def set_family(ctx: Context, actor: Actor | None, product_code: str, family: str | None,
               version: int | None = None) -> dict:
    """Gives a product its family, or none (blank); products made before families had none."""
    if actor is not None:
        require_role(actor, FAMILY_EDITORS)
    with ctx.uow() as uow:
        product = uow.products.by_code(product_code)
        if product is None:
            raise errors.NotFound(f"product {product_code} not found", code="product.not_found")
        if error := family_error(family):
            raise errors.ValidationFailed("the product family is not valid", fields={"family": error})
        if version is not None and version != product.version:
            raise errors.StaleVersion("the product was changed meanwhile", current_version=product.version)
        old, product.family = product.family, family_of(family)
        uow.flush()
        audit.record(uow, ctx, actor, "product", product.id, "update", {"family": old}, {"family": product.family})
        view = product_view(product)
        uow.commit()
        return view


def sheet(ctx: Context, actor: Actor, code: str) -> bytes:
    """The matrix as an .xlsx, one pair a row (the import reads the same columns back)."""
    return ctx.sheets.write(matrix(ctx, actor, code)["setups"], SHEET_COLUMNS)


def import_sheet(ctx: Context, actor: Actor, code: str, filename: str, content: bytes,
                 version: int | None = None) -> dict:
    """Replaces the matrix with a sheet's rows (from_family, to_family, minutes); its errors are
    named by sheet row (``setups.{row}.minutes``)."""
    require_role(actor, EDITORS)
    read = ctx.sheets.read_table(filename, content, MAX_PAIRS, SHEET_COLUMNS)
    rows = [(r.get("from_family"), r.get("to_family"), _whole(r.get("minutes"))) for _, r in read]
    try:
        return replace(ctx, actor, code, rows, version)
    except errors.ValidationFailed as exc:
        numbers = [number for number, _ in read]
        exc.fields = {_by_sheet_row(name, numbers): error for name, error in exc.fields.items()}
        raise


def _whole(text: str | None) -> int | str | None:
    """A sheet's cell as a whole number when it is one (else as read, for the check to refuse)."""
    text = (text or "").strip()
    return int(text) if text.lstrip("-").isdigit() else text


def _by_sheet_row(name: str, numbers: list[int]) -> str:
    parts = name.split(".")
    if len(parts) > 1 and parts[1].isdigit():
        parts[1] = str(numbers[int(parts[1])])
    return ".".join(parts)
