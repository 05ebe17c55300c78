"""Every act that answers a notice has its words in both languages (D2, issue 24)."""
from jidan import i18n
from jidan.services.notices.answers import ANSWERED_BY


def test_d2_every_act_that_answers_a_notice_is_named_in_chinese_and_english():
    acts = {act for answers in ANSWERED_BY.values() for act in answers}
    missing = sorted(f"{act} ({lang})" for act in acts for lang in i18n.LANGUAGES
                     if i18n.t(f"ui.notice.act.{act}", lang, default="") == "")
    assert missing == []


def test_d2_every_kind_of_notice_has_its_inbox_name_in_chinese_and_english():
    missing = sorted(f"{kind} ({lang})" for kind in ANSWERED_BY for lang in i18n.LANGUAGES
                     if i18n.t(f"ui.inbox.kind.{kind}", lang, default="") == "")
    assert missing == []
