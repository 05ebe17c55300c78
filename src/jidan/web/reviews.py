"""The quarterly review pages (issue 22)."""
from __future__ import annotations

from fastapi import APIRouter

from jidan.web.pages import WebRoute

router = APIRouter(include_in_schema=False, route_class=WebRoute)
