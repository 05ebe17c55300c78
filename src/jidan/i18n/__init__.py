"""The one message catalogue for UI text: key → {"zh": 简体中文, "en": English}.

zh (zh-CN) is the default language. ``t(key, lang)`` falls back to Chinese when a key has no
text in ``lang``, and to the key itself when the catalogue does not know it, so a missing
translation shows up on screen instead of breaking the page.
"""
from __future__ import annotations

import re

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

from jidan.i18n import approvals, common, execution, fulfilment, materials, notices, orders, pages, planning, workflow
from jidan.i18n import reviews
from jidan.i18n import emergency
from jidan.i18n import store
from jidan.i18n import forms
from jidan.i18n import lists
from jidan.i18n import screens
from jidan.i18n import setups

CATALOGUE: dict[str, dict[str, str]] = {}
for _prefix, _table in (("state", common.STATES), ("action", common.ACTIONS), ("priority", common.PRIORITIES),
                        ("urgency", common.URGENCY_REASONS), ("role", common.ROLES), ("channel", common.CHANNELS),
                        ("error", common.ERRORS), ("ui", common.UI), ("ui", planning.TEXTS), ("ui", materials.TEXTS),
                        ("ui", workflow.TEXTS), ("ui", execution.TEXTS), ("ui", fulfilment.TEXTS),
                        ("ui", pages.TEXTS), ("ui", orders.TEXTS), ("ui", approvals.TEXTS), ("ui", notices.TEXTS),
                        ("ui", reviews.TEXTS), ("ui", emergency.TEXTS), ("ui", store.TEXTS), ("ui", forms.TEXTS), ("ui", lists.TEXTS), ("ui", screens.TEXTS), ("ui", setups.TEXTS)):
    for _key, (_zh, _en) in _table.items():
        CATALOGUE[f"{_prefix}.{_key}"] = {"zh": _zh, "en": _en}

from jidan.i18n import analytics as _analytics  # noqa: E402  (issue 22)
CATALOGUE.update({f"ui.{k}": {"zh": zh, "en": en} for k, (zh, en) in _analytics.TEXTS.items()})

# Each area keeps its own error texts as ``<area>.err.<code>`` in its table; pages look codes up
# as ``error.<code>``. The shared table wins, then the areas in the order above.
for _key, _entry in list(CATALOGUE.items()):
    _area_error = re.fullmatch(r"ui\.[a-z_]+\.err\.(.+)", _key)
    if _area_error:
        CATALOGUE.setdefault(f"error.{_area_error.group(1)}", _entry)


def language(value: str | None) -> str | None:
    """``value`` if it names a language we have ("zh", "en", also "zh-CN"), else None."""
    if not value:
        return None
    value = value.strip().lower().replace("_", "-")
    if value in LANGUAGES:
        return value
    base = value.split("-", 1)[0]
    return base if base in LANGUAGES else None


def t(key: str, lang: str = DEFAULT_LANGUAGE, default: str | None = None, **values) -> str:
    """The text of ``key`` in ``lang``; ``values`` fill ``{placeholders}``."""
    entry = CATALOGUE.get(key)
    if entry is None:
        text = key if default is None else default
    else:
        text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
