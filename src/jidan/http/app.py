"""The composition root: one FastAPI app with the API under /api/v1, the web pages at / and the
OpenAPI document at /docs. The only module that imports both api/ and web/."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from jidan.api.routers import analytics as analytics_api
from jidan.api.routers import emergency
from jidan.api.routers import (
    approvals, execution, fulfilment, health, inbox, masterdata, materials, orders, planning, users,
)
from jidan.api.routers import store as store_api
from jidan.web import store as store_web
from jidan.http import docs, errors
from jidan.http.urls import PlainUrls
from jidan.http.session import SecurityHeaders
from jidan.services.context import Context
from jidan.web import pmc_home as pmc_home_web, reviews as reviews_web
from jidan.web import quality_home as quality_home_web
from jidan.web import setups as setups_web
from jidan.web import analytics as analytics_web
from jidan.web import emergency as emergency_web
from jidan.web import (
    execution as execution_web, fulfilment as fulfilment_web, inbox as inbox_web,
    materials as materials_web, orders as order_web, pages, planning as planning_web, workflow as workflow_web,
)

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
API_ROUTERS = (users.router, orders.router, masterdata.router, planning.router, inbox.router,
               materials.router, approvals.router, execution.router, fulfilment.router, fulfilment.public)
API_ROUTERS += (analytics_api.router,)  # figures and accountability (issue 22)
#: First match wins, so the order is kept as it was.
WEB_ROUTERS = (pages.router, order_web.router, planning_web.router, materials_web.router, inbox_web.router,
               workflow_web.router, execution_web.router, fulfilment_web.router)
WEB_ROUTERS += (pmc_home_web.router, reviews_web.router)  # pmc's home, the quarterly review (issue 22)
WEB_ROUTERS += (analytics_web.router,)  # the dashboard and the figures page (issue 22)
API_ROUTERS += (emergency.router,)  # the emergency state (issue 23)
WEB_ROUTERS += (emergency_web.router,)
API_ROUTERS += (store_api.router,)  # the store's urgent replenishment (issue 23)
WEB_ROUTERS += (store_web.router,)
WEB_ROUTERS += (quality_home_web.router,)  # quality's home (issue 24)
WEB_ROUTERS += (setups_web.router,)  # changeovers by product family (issue 25)


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
                              "execution, shipping, audit.",
                  docs_url=None, redoc_url=None)
    app.state.ctx = ctx
    if hasattr(ctx.offload, "start"):  # planning's worker processes, ready before the first solve
        ctx.offload.start()
    errors.install(app)
    api = APIRouter(prefix="/api/v1")
    for router in API_ROUTERS:
        api.include_router(router)
    app.include_router(api)
    app.include_router(health.router)
    app.include_router(docs.router)
    for router in WEB_ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=ctx.settings.max_body_bytes)
    app.add_middleware(PlainUrls)
    app.add_middleware(SecurityHeaders)  # outermost: even a refused body gets the headers
    return app
