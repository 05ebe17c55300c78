"""The emergency state (紧急状态, J1–J4) and its drills: declare, re-plan, lift with the review."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep, ProofDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas import Code, Day, LocalMoment, Strict
from jidan.domain.text import CODE_PATTERN
from jidan.api.schemas.emergency import Drill, DrillSummary, Emergency, EmergencyOverview, EmergencyReview
from jidan.services.emergency import drills, record, replan, review, states
from jidan.services.emergency.states import Declaration, Improvement, Lifting

router = APIRouter(tags=["emergency"], route_class=ApiRoute)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
DrillId = Annotated[str, Path(pattern="^[0-9a-f]{12}$")]
Long = Annotated[str, Field(max_length=4000)]
Password = Annotated[str | None, Field(None, max_length=200)]


class DeclarationIn(Strict):
    cause: str = Field(max_length=20)
    scope: str = Field(max_length=20)
    #: work-centre codes, product-code prefixes or customer codes
    targets: list[Code] = Field(default_factory=list, max_length=50)
    starts_at: LocalMoment
    expected_end_at: LocalMoment
    description: Long
    password: Password = None

    def command(self) -> Declaration:
        return Declaration(self.cause, self.scope, self.starts_at, self.expected_end_at, self.description,
                           tuple(self.targets))


class DrillIn(DeclarationIn):
    participants: list[Annotated[str, Field(max_length=50, pattern=CODE_PATTERN)]] = Field(
        default_factory=list, max_length=100)


class ImprovementIn(Strict):
    department: str = Field(max_length=40)
    text: Annotated[str, Field(max_length=2000)]
    owner: str = Field(max_length=50)
    due: Day


class LiftIn(Strict):
    what_happened: Long
    causes: Long = ""
    costs: Long = ""
    improvements: list[ImprovementIn] = Field(default_factory=list, max_length=30)
    password: Password = None
    version: Annotated[int, Field(ge=1)] | None = None

    def lifting(self) -> Lifting:
        return Lifting(self.what_happened, self.causes, self.costs,
                       tuple(Improvement(i.department, i.text, i.owner, i.due) for i in self.improvements))


class AdvanceIn(Strict):
    hours: float = Field(gt=0, le=drills.MAX_ADVANCE_HOURS)


@router.get("/emergency", response_model=EmergencyOverview)
def overview(ctx: CtxDep, actor: ActorDep) -> dict:
    history = record.list_states(ctx, actor)
    return {"current": next((h for h in history if h["active"]), None), "history": history,
            "priority_rule": list(ctx.emergency_priority)}


@router.post("/emergency", status_code=201, response_model=Emergency)
def declare(body: DeclarationIn, ctx: CtxDep, actor: ActorDep, proof: ProofDep) -> dict:
    return states.declare(ctx, actor, body.command(), proof(body.password))


@router.get("/emergency/{state_id}", response_model=Emergency)
def get_emergency(state_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return record.get(ctx, actor, state_id)


@router.post("/emergency/{state_id}/replan", response_model=Emergency)
def propose_replan(state_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    replan.propose(ctx, actor, state_id)
    return record.get(ctx, actor, state_id)


@router.post("/emergency/{state_id}/lift", response_model=Emergency)
def lift(state_id: Id, body: LiftIn, ctx: CtxDep, actor: ActorDep, proof: ProofDep) -> dict:
    return states.lift(ctx, actor, state_id, body.lifting(), proof(body.password), body.version)


@router.get("/emergency/{state_id}/review", response_model=EmergencyReview)
def get_review(state_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return review.report(ctx, actor, state_id)


@router.get("/emergency-drills", response_model=list[DrillSummary])
def list_drills(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return drills.list_drills(ctx, actor)


@router.post("/emergency-drills", status_code=201, response_model=Drill)
def start_drill(body: DrillIn, ctx: CtxDep, actor: ActorDep, proof: ProofDep) -> dict:
    return drills.start(ctx, actor, body.command(), tuple(body.participants), proof(body.password))


@router.get("/emergency-drills/{drill_id}", response_model=Drill)
def get_drill(drill_id: DrillId, ctx: CtxDep, actor: ActorDep) -> dict:
    return drills.get(ctx, actor, drill_id)


@router.post("/emergency-drills/{drill_id}/advance", response_model=Drill)
def advance_drill(drill_id: DrillId, body: AdvanceIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return drills.advance(ctx, actor, drill_id, body.hours)


@router.post("/emergency-drills/{drill_id}/notices/{notice_id}/acknowledge", response_model=Drill)
def acknowledge_in_drill(drill_id: DrillId, notice_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return drills.acknowledge(ctx, actor, drill_id, notice_id)


@router.post("/emergency-drills/{drill_id}/replan", response_model=Drill)
def replan_in_drill(drill_id: DrillId, ctx: CtxDep, actor: ActorDep) -> dict:
    return drills.propose(ctx, actor, drill_id)


@router.post("/emergency-drills/{drill_id}/lift", response_model=Drill)
def lift_drill(drill_id: DrillId, body: LiftIn, ctx: CtxDep, actor: ActorDep, proof: ProofDep) -> dict:
    return drills.lift(ctx, actor, drill_id, body.lifting(), proof(body.password))


@router.delete("/emergency-drills/{drill_id}", status_code=204)
def end_drill(drill_id: DrillId, ctx: CtxDep, actor: ActorDep) -> Response:
    drills.end(ctx, actor, drill_id)
    return Response(status_code=204)
