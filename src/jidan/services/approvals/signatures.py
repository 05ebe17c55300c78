"""A signature (电子签名) on a review step or a change request: the proof, the opinion, the row.

The order's review (``signing``) and change requests (``changes``) both sign through here, so a
signature means the same wherever it is given: the signer proved who they are (their password
again, or a fresh login), said what they think, and the act is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jidan.domain import errors
from jidan.domain.approval import INSTRUCTION_LEVERS, Meaning, Opinion, Signature
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.services import audit, auth
from jidan.services.context import Context
from jidan.services.names import display_name


@dataclass(frozen=True)
class Proof:
    """How a signer proves it is them: the password again, or the session of a fresh login."""

    password: str | None = None
    session_token: str | None = None


@dataclass(frozen=True)
class Decision:
    """What the signer says: the opinion on the review record and, for management, the decision."""

    opinion: Opinion = Opinion.AGREE
    comment: str | None = None
    suggested_date: date | None = None
    #: Final approval: the date confirmed to the customer (default: the latest suggested date).
    committed_date: date | None = None
    #: Pushing a rejected order through: the resources management assigns (B6, C5).
    levers: tuple[str, ...] = ()
    #: Username of the approver a deputy signs for.
    on_behalf_of: str | None = None

    def check(self) -> None:
        fields = {}
        comment = (self.comment or "").strip()
        if self.opinion != Opinion.AGREE and not comment:
            fields["comment"] = "required"
        if len(comment) > 1000:
            fields["comment"] = "too_long"
        if any(lever not in INSTRUCTION_LEVERS for lever in self.levers):
            fields["levers"] = "unknown_lever"
        if fields:
            raise errors.ValidationFailed("the opinion is not complete", fields=fields)


def login_time(ctx: Context, actor: Actor, proof: Proof | None) -> datetime | None:
    """When the signer's session began, from its token (read before the signing transaction)."""
    if proof is None or not proof.session_token or proof.password is not None:
        return None
    owner, session = auth.session_user(ctx, proof.session_token)
    if owner.user_id != actor.user_id:
        raise errors.Forbidden("the session is not the signer's", code="approval.signature_required")
    return session.created_at


def signing_method(uow, ctx: Context, actor: Actor, proof: Proof | None,
                   session_started: datetime | None) -> str:
    """Checks the signer's proof; returns how they signed (password | fresh_login | console).

    Only the session making the request counts: its own start must be fresh, whatever other
    logins the signer has. Every API and web request passes its session (``Proof``), so a call
    without a proof is code in the server process (console, demo loader).
    """
    if proof is not None and proof.password is not None:
        user = uow.users.get(actor.user_id)
        if not ctx.hasher.verify(proof.password, user.password_hash):
            raise errors.ValidationFailed("the password is wrong", code="approval.wrong_password",
                                          fields={"password": "wrong_password"})
        return "password"
    if proof is None:
        return "console"
    if session_started is not None and \
            ctx.now() - session_started <= timedelta(minutes=ctx.approval_fresh_login_minutes):
        return "fresh_login"
    raise errors.ValidationFailed("signing needs your password again (your login is not fresh)",
                                  code="approval.signature_required", fields={"password": "required"})


def record_signature(uow, ctx, signer: Actor, principal: int | None, order: Order, subject: str,
                     step_key: str, meaning: Meaning, decision: Decision, method: str,
                     review_id: int | None = None, change_id: int | None = None,
                     revision: int | None = None) -> None:
    """Writes the signature on ``subject`` (a review or a change request) and audits it."""
    values = {"subject": subject, "order_id": order.id, "revision": revision or order.revision,
              "step_key": step_key, "role": signer.role.value, "user_id": signer.user_id,
              "on_behalf_of": principal, "counted_user_id": principal or signer.user_id,
              "meaning": meaning.value, "opinion": decision.opinion.value,
              "comment": (decision.comment or "").strip() or None,
              "suggested_date": decision.suggested_date, "method": method, "signed_at": ctx.now()}
    uow.reviews.add_signature(**values)
    entity, entity_id = ("order_review", review_id) if review_id else ("change_request", change_id)
    audit.record(uow, ctx, signer, entity, entity_id, "sign", None,
                 {k: v for k, v in values.items() if k not in ("subject", "signed_at")}, decision.comment)


def sig_view(uow, sig: Signature, names: dict) -> dict:
    """A signature as the review record and the change request show it."""
    return {"id": sig.id, "step": sig.step_key, "role": sig.role,
            "user": display_name(uow, sig.user_id, names), "user_id": sig.user_id,
            "on_behalf_of": display_name(uow, sig.on_behalf_of, names), "meaning": sig.meaning,
            "opinion": sig.opinion, "comment": sig.comment,
            "suggested_date": sig.suggested_date.isoformat() if sig.suggested_date else None,
            "method": sig.method, "revision": sig.revision,
            "signed_at": sig.signed_at.isoformat(timespec="seconds")}
