"""Is the server up and does it reach its database (for load balancers and monitors)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from jidan.api.deps import CtxDep, OptionalActorDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.health import Health
from jidan.services import health as health_check

router = APIRouter(tags=["health"], route_class=ApiRoute)


@router.get("/health", response_model=Health, response_model_exclude_none=True,
            responses={503: {"model": Health, "description": "The database cannot be reached."}})
def health(ctx: CtxDep, actor: OptionalActorDep):
    """Status for anyone; the database's answer (which may name its host) for admin only."""
    body = health_check.report(ctx, actor)
    return body if body["status"] == "ok" else JSONResponse(body, status_code=503)
