"""The FastAPI application: API under /api/v1, web pages at /, OpenAPI at /docs."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from jidan.api import errors
from jidan.api.deps import CtxDep
from jidan.api.routers import masterdata, orders, planning, users
from jidan.services.context import Context
from jidan.web import orders as orders_web, pages as pages_web

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"


class BodyLimit:
    """Refuses request bodies over ``limit`` bytes with 413, even when sent chunked."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared and declared.isdigit() and int(declared) > self.limit:
            return await self._refuse(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send):
        response = JSONResponse({"code": "payload_too_large",
                                 "detail": f"the request body is over {self.limit} bytes"}, 413)
        await response({"type": "http"}, None, send)


class _TooLarge(Exception):
    """Raised inside the body reader to stop the app once the limit is passed."""


def create_app(ctx: Context) -> FastAPI:
    app = FastAPI(title="jidan 急单", version="0.1.0",
                  description="Urgent-order management for factories: intake, review, planning, "
                              "execution, shipping, audit.")
    app.state.ctx = ctx
    errors.install(app)
    api = APIRouter(prefix="/api/v1")
    api.include_router(users.router)
    api.include_router(orders.router)
    api.include_router(masterdata.router)
    api.include_router(planning.router)
    # notifications (issue 5)
    from jidan.api.routers import inbox as inbox_api
    api.include_router(inbox_api.router)
    # materials (issue 4)
    from jidan.api.routers import materials as materials_api
    api.include_router(materials_api.router)
    # approvals and order changes (issue 5)
    from jidan.api.routers import approvals as approvals_api
    api.include_router(approvals_api.router)
    # execution (issue 6)
    from jidan.api.routers import execution as execution_api
    api.include_router(execution_api.router)
    # fulfilment (issue 6)
    from jidan.api.routers import fulfilment as fulfilment_api
    api.include_router(fulfilment_api.router)
    api.include_router(fulfilment_api.public)
    app.include_router(api)

    @app.get("/health", tags=["health"])
    def health(ctx: CtxDep):
        try:
            with ctx.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:  # the database is down: say so, do not crash
            return JSONResponse({"status": "error", "database": str(exc)[:200]}, status_code=503)
        return {"status": "ok", "database": "ok"}

    app.include_router(pages_web.router)
    app.include_router(orders_web.router)
    # web pages of each area, one router module each (web/<area>.py)
    # web: planning (issue 4)
    from jidan.web import materials as materials_web, planning as planning_web
    app.include_router(planning_web.router)
    app.include_router(materials_web.router)
    # web: workflow (issue 5)
    from jidan.web import inbox as inbox_web
    app.include_router(inbox_web.router)
    from jidan.web.workflow import router as workflow_web  # approvals and changes (issue 5)
    app.include_router(workflow_web)
    # web: execution (issue 6)
    from jidan.web import execution as execution_web
    app.include_router(execution_web.router)
    # web: fulfilment (issue 6)
    from jidan.web.fulfilment import router as fulfilment_web
    app.include_router(fulfilment_web)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=ctx.settings.max_body_bytes)
    return app
