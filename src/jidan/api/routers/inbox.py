"""The current user's inbox: list, acknowledge, mark read (D2, E6). Only one's own notices."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.inbox import Inbox, Notice
from jidan.api.schemas import Strict
from jidan.services.notices import inbox
from jidan.services.ports import InboxFilter

router = APIRouter(tags=["inbox"], route_class=ApiRoute)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


class NoticeActionIn(Strict):
    """The version read, to refuse a stale write (optional)."""

    version: int | None = Field(None, ge=1)


@router.get("/inbox", response_model=Inbox)
def list_inbox(ctx: CtxDep, actor: ActorDep,
               limit: Annotated[int, Query(ge=1, le=500)] = 200,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1,
               per_page: Annotated[int, Query(ge=1, le=inbox.MAX_PER_PAGE)] = 20,
               kind: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_.]+$")] = None,
               order_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
               urgent: bool = False, overdue: bool = False) -> dict:
    """What still waits for you, grouped by order (the order with the newest notice first), only
    of ``kind``, about ``order_id``, ``urgent`` or ``overdue`` when asked, ``per_page`` orders a
    page; the counts per kind, urgent and overdue over all that waits; and ``items``: your latest
    ``limit`` notices, open first, critical first, oldest first, with time left to acknowledge."""
    return inbox.list_inbox(ctx, actor, limit, page, per_page, InboxFilter(kind, order_id, urgent, overdue))


@router.post("/inbox/{notice_id}/ack", response_model=Notice)
def acknowledge(notice_id: Id, ctx: CtxDep, actor: ActorDep, body: NoticeActionIn | None = None) -> dict:
    return inbox.acknowledge(ctx, actor, notice_id, (body or NoticeActionIn()).version)


@router.post("/inbox/{notice_id}/read", response_model=Notice)
def mark_read(notice_id: Id, ctx: CtxDep, actor: ActorDep, body: NoticeActionIn | None = None) -> dict:
    return inbox.mark_read(ctx, actor, notice_id, (body or NoticeActionIn()).version)
