"""UI texts of the pages area: key → (zh-CN, en)."""
from __future__ import annotations

#: What every page shares (clean-ups): the top navigation, and the texts of error codes that
#: no area table has (``pages.err.<code>``, shown as ``error.<code>`` like the areas' own).
TEXTS: dict[str, tuple[str, str]] = {
    "pages.nav.label": ("主导航", "Main navigation"),
    "pages.nav.more": ("更多", "More"),
    "pages.err.notice.not_found": ("找不到该通知", "Notice not found"),
    "pages.err.notice.ack_not_needed": ("该通知无需确认", "This notice needs no acknowledgement"),
    "pages.err.notice.invalid": ("通知缺少类别或标题", "A notice needs a kind and a subject"),
    "pages.err.order.edit_after_review": ("订单已评审、待最终批准，不能直接修改；请驳回后修改再重新提交",
                                          "A reviewed order waits for its final approval; have it rejected, "
                                          "edit it and resubmit"),
}
