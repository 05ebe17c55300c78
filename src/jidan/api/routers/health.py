"""Is the server up and does it reach its database (for load balancers and monitors)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from jidan.api.deps import CtxDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.health import Health

router = APIRouter(tags=["health"], route_class=ApiRoute)


@router.get("/health", response_model=Health, responses={503: {"model": Health, "description": "The database cannot be reached."}})
def health(ctx: CtxDep):
    try:
        with ctx.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # the database is down: say so, do not crash
        return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
    return {"status": "ok", "database": "ok"}
