"""How approval records and their messages name people and mark urgent orders."""
from __future__ import annotations


def urgent_mark(ctx, order) -> str:
    """The 急 mark on everything an urgent order touches (A3), in the catalogue's words."""
    return ctx.messages.text("ui.mark.urgent") if order.urgent else ""


def display_name(uow, user_id: int | None, cache: dict) -> str | None:
    if user_id is None:
        return None
    if user_id not in cache:
        user = uow.users.get(user_id)
        cache[user_id] = user.display_name if user else str(user_id)
    return cache[user_id]
