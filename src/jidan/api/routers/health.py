"""Is the server up and does it reach its database (for load balancers and monitors)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from jidan.api.deps import CtxDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.health import Health
from jidan.services import health as health_check

router = APIRouter(tags=["health"], route_class=ApiRoute)


@router.get("/health", response_model=Health, responses={503: {"model": Health, "description": "The database cannot be reached."}})
def health(ctx: CtxDep):
    problem = health_check.database_status(ctx)
    if problem is not None:
        return JSONResponse({"status": "error", "database": problem}, status_code=503)
    return {"status": "ok", "database": "ok"}
