"""Quality's home (issue 24): the inspection points and final inspections waiting, urgent and
oldest first, each linking to its inspection form."""
from __future__ import annotations

from fastapi import APIRouter

from jidan.services.execution import quality_home
from jidan.web.pages import UserPage, WebRoute, render

router = APIRouter(include_in_schema=False, route_class=WebRoute)


@router.get("/quality")
def quality_page(page: UserPage):
    return render(page, "execution/quality_home.html", waiting=quality_home.waiting(page.ctx, page.actor))
