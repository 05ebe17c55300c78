"""Pages of the changeover times (换线时间, issue 25): the work centers with their matrices and the
products' families, and each work center's matrix as a grid of families × families that pmc
fills in, or exports and imports as a spreadsheet. The service checks the grid as it checks the
API's body, so a refused grid comes back with its cells marked (422) and nothing written."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path as PathParam, Query
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from jidan.domain import errors
from jidan.domain.setups import family_error, family_of
from jidan.domain.text import CODE_MAX
from jidan.http.errors import status_of
from jidan.services.masterdata import setups
from jidan.web.forms import FormReader, whole_number
from jidan.web.pages import Form, Page, UserPage, WebRoute, check_csrf, redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
CenterCode = Annotated[str, PathParam(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
ProductCode = Annotated[str, PathParam(min_length=1, max_length=CODE_MAX, pattern=r"^[A-Za-z0-9_.\-]+$")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: A grid cell's field: ``m|<from family>|<to family>`` (families hold no ``|``).
CELL = "m|{}|{}"

templates.env.globals["setup_editors"] = {str(r) for r in setups.EDITORS}


def _index(page: Page, status: int = 200, error: errors.JidanError | None = None, product: str | None = None):
    return render(page, "setups/index.html", status, **setups.overview(page.ctx, page.actor),
                  family_editors={str(r) for r in setups.FAMILY_EDITORS}, error=error, failed=product,
                  done=page.query_choice("done", ("family",)))


@router.get("/setups")
def index(page: UserPage):
    return _index(page)


@router.post("/setups/products/{code}/family")
def set_family(page: UserPage, form: Form, code: ProductCode):
    check_csrf(page, form)
    read = FormReader(form)
    family = read.text("family", CODE_MAX, one_line=True)
    try:
        read.check()
        setups.set_family(page.ctx, page.actor, code, family, read.version())
    except errors.JidanError as exc:
        return _index(page, status_of(exc), exc, code)
    return redirect(f"/setups?done=family#product-{code}")


def _grid(page: Page, code: str, status: int = 200, error: errors.JidanError | None = None,
          form: FormData | None = None, cells: dict[str, str] | None = None, added: list[str] = ()):
    """The matrix as a grid; after a refused post, the cells as typed and the bad ones marked."""
    view = setups.matrix(page.ctx, page.actor, code)
    posted = [_pair(k) for k in (form or {}) if k.startswith("m|")]
    families = sorted(set(view["families"]) | set(added) | {f for pair in posted for f in pair if f})
    values = ({k: str(v).strip() for k, v in form.items() if k.startswith("m|")} if form is not None else
              {CELL.format(s["from_family"], s["to_family"]): str(s["minutes"]) for s in view["setups"]})
    return render(page, "setups/grid.html", status, view=view, families=families, values=values,
                  cells=cells or {}, error=error, cell=CELL, done=page.query_choice("done", ("saved", "imported")))


def _pair(key: str) -> tuple[str, str]:
    """The (from, to) families of a cell's field; a forged name gives families the check refuses."""
    before, _, after = key.removeprefix("m|").partition("|")
    return before, after


@router.get("/workcenters/{code}/setups")
def grid(page: UserPage, code: CenterCode, add: Annotated[str | None, Query(max_length=CODE_MAX)] = None):
    """``add``: a family to give a row and a column before any product has it."""
    if add and family_error(add):
        return _grid(page, code, 422, errors.ValidationFailed("bad family", fields={"add": "invalid_code"}))
    return _grid(page, code, added=[family_of(add)] if family_of(add) else [])


@router.post("/workcenters/{code}/setups")
def save_grid(page: UserPage, form: Form, code: CenterCode):
    """Every filled cell is a pair; a blank one is none (no changeover there)."""
    check_csrf(page, form)
    keys, rows = [], []
    for key, value in form.items():
        text = str(value).strip()
        if key.startswith("m|") and text:
            number = whole_number(text, 4)
            keys.append(key)
            rows.append((*_pair(key), text if number is None else number))
    try:
        setups.replace(page.ctx, page.actor, code, rows, FormReader(form).version())
    except errors.JidanError as exc:
        cells = {keys[int(name.split(".")[1])]: why for name, why in exc.fields.items()
                 if name.startswith("setups.") and name.split(".")[1].isdigit()}
        return _grid(page, code, status_of(exc), exc, form, cells)
    return redirect(f"/workcenters/{code}/setups?done=saved")


@router.get("/workcenters/{code}/setups.xlsx")
def export_sheet(page: UserPage, code: CenterCode):
    return Response(setups.sheet(page.ctx, page.actor, code), media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="setups-{code}.xlsx"'})


@router.post("/workcenters/{code}/setups/import")
def import_sheet(page: UserPage, form: Form, code: CenterCode):
    """A sheet of from_family, to_family, minutes rows in place of the whole matrix."""
    check_csrf(page, form)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise errors.ValidationFailed("no file", fields={"file": "required"})
        setups.import_sheet(page.ctx, page.actor, code, upload.filename, upload.file.read(),
                            FormReader(form).version())
    except errors.JidanError as exc:
        return _grid(page, code, status_of(exc), exc)
    return redirect(f"/workcenters/{code}/setups?done=imported")
