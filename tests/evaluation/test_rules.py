"""Each rule at and around its threshold, on planted facts with a fixed clock (no database: the facts are what the
bulk queries would return; tests/evaluation/test_sites.py plants the same in real tables)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest

from core.evaluation import rules
from core.evaluation.facts import SectionState
from core.evaluation.settings import DEFAULTS
from core.interaction.stats import LateLetter, Tally

NOW = datetime(2026, 3, 20, 10, 0)
S = dict(DEFAULTS)


def facts(**values):
    base = dict(moment=NOW, today=NOW.date(), settings=S, sections=[], section_states=[], homepage_newest=None,
                news_dates=[], backdated=[], policies=[], uninterpreted=[], disclosure=[], catalogue=[],
                consultation_mailbox=SimpleNamespace(enabled=True), late_letters=[], letters=Tally(),
                reply_limit=5, publication=(0, 0), consultations=[], duties=set(), security=None,
                site=SimpleNamespace(is_window_department=False, sponsor_zh="x", address_zh="x", phone="x",
                                     icp_record="x", psb_record="x", site_code="x"))
    base.update(values)
    found = SimpleNamespace(**base)
    found.month_start = lambda back: datetime.combine(
        date((NOW.year * 12 + NOW.month - 1 - back) // 12, (NOW.year * 12 + NOW.month - 1 - back) % 12 + 1, 1),
        datetime.min.time())
    return found


def section(n: int, *, update_class="news", kind="article_list", note="", page=""):
    return SimpleNamespace(id=n, name_zh=f"栏目{n}", update_class=update_class, kind=kind, empty_note=note,
                           page_html=page, mandatory_key=None)


def states(count: int, days_old: int | None, **kwargs) -> list[SectionState]:
    newest = None if days_old is None else NOW - timedelta(days=days_old)
    return [SectionState(section(n, **kwargs), 0 if newest is None else 3, newest) for n in range(count)]


# --- the homepage ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("days, status, warning", [(9, "ok", False), (10, "ok", True), (13, "ok", True),
                                                  (14, "veto", False), (30, "veto", False)])
def test_homepage_fails_after_14_days_and_warns_from_10(days, status, warning):
    item = SimpleNamespace(id=7, title="工作动态", public_at=NOW - timedelta(days=days))
    result = rules.homepage(facts(homepage_newest=item), S)
    assert (result.status, result.warning, result.measures["days"]) == (status, warning, days)
    assert result.evidence[0].endpoint == "publishing.edit" and result.evidence[0].values == {"article_id": 7}


def test_a_homepage_with_nothing_dated_fails():
    result = rules.homepage(facts(homepage_newest=None), S)
    assert result.status == "veto" and result.evidence[0].note == "homepage_nothing"


# --- sections ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("count, status", [(4, "ok"), (5, "veto")])
def test_five_news_like_sections_14_days_old_fail(count, status):
    result = rules.overdue_sections(facts(section_states=states(count, 14)), S)
    assert result.status == status and result.measures["count"] == count
    assert {e.endpoint for e in result.evidence} == {"publishing.new"}


def test_a_news_like_section_13_days_old_is_not_overdue():
    assert rules.overdue_sections(facts(section_states=states(9, 13)), S).measures["count"] == 0


def test_notices_are_overdue_after_six_months_and_as_needed_never():
    six_months = (NOW.date() - date(2025, 9, 20)).days  # 20 September 2025: six months before 20 March 2026
    assert rules.overdue_sections(facts(section_states=states(5, six_months, update_class="notices")), S).vetoed
    assert not rules.overdue_sections(facts(section_states=states(5, six_months - 1, update_class="notices")),
                                      S).vetoed
    assert not rules.overdue_sections(facts(section_states=states(9, 300, update_class="as_needed")), S).vetoed


@pytest.mark.parametrize("count, status, warning", [(6, "ok", False), (7, "ok", True), (9, "ok", True),
                                                    (10, "veto", False)])
def test_long_stale_sections(count, status, warning):
    result = rules.long_stale_sections(facts(section_states=states(count, 365, update_class="as_needed")), S)
    assert (result.status, result.warning) == (status, warning)


def test_a_section_364_days_old_or_never_updated_is_not_long_stale():
    assert rules.long_stale_sections(facts(section_states=states(12, 364, update_class="as_needed")), S).measures[
        "count"] == 0
    assert rules.long_stale_sections(facts(section_states=states(12, 900, update_class="never")), S).measures[
        "count"] == 0


@pytest.mark.parametrize("count, status, warning", [(2, "ok", False), (3, "ok", True), (4, "ok", True),
                                                    (5, "veto", False)])
def test_empty_sections(count, status, warning):
    result = rules.empty_sections(facts(section_states=states(count, None)), S)
    assert (result.status, result.warning) == (status, warning)
    assert all(e.endpoint == "sections.note" for e in result.evidence)


def test_a_note_exempts_an_empty_section_and_a_page_with_text_is_not_empty():
    planted = states(4, None) + [SectionState(section(10, note="本年度无行政处罚事项"), 0, None),
                                 SectionState(section(11, kind="single_page", page="<p>职能</p>"), 0, None),
                                 SectionState(section(12, kind="service_items"), 0, None)]
    assert rules.empty_sections(facts(section_states=planted), S).measures["count"] == 4
    planted.append(SectionState(section(13, kind="single_page", page="  "), 0, None))
    assert rules.empty_sections(facts(section_states=planted), S).vetoed


# --- interaction, services, dates ---------------------------------------------------------------------------

def test_no_working_consultation_mailbox_fails():
    assert rules.consultation_mailbox(facts(consultation_mailbox=SimpleNamespace(enabled=False)), S).vetoed
    assert not rules.consultation_mailbox(facts(), S).vetoed


def test_a_letter_past_three_months_fails_and_one_two_months_old_warns():
    warned = LateLetter(3, "consultation", NOW - timedelta(days=70), "assigned", veto=False, warned=True)
    result = rules.late_letters(facts(late_letters=[warned]), S)
    assert (result.status, result.warning) == ("ok", True)
    late = LateLetter(4, "supervision", NOW - timedelta(days=100), "assigned", veto=True, warned=True)
    result = rules.late_letters(facts(late_letters=[warned, late]), S)
    assert result.vetoed and [e.values for e in result.evidence] == [{"letter_id": 4}, {"letter_id": 3}]


def _item(n, missing=(), **fields):
    values = dict(id=n, name=f"事项{n}", kind="licensing", fee_standard="不收费", fee_basis="", statutory_days=20,
                  promised_days=10, forms=[])
    values.update(fields)
    return SimpleNamespace(item=SimpleNamespace(**values), missing=list(missing), published_level="download")


def test_services_unusable_without_items_or_with_a_guide_lacking_a_key_element():
    assert rules.services_usable(facts(catalogue=[]), S).vetoed
    assert not rules.services_usable(facts(catalogue=[_item(1)]), S).vetoed
    assert rules.services_usable(facts(catalogue=[_item(1), _item(2, missing=("hours",))]), S).vetoed
    assert not rules.services_usable(facts(catalogue=[_item(1), _item(2, missing=("hours",))]),
                                     {**S, "incomplete_guides": 2}).vetoed


def test_forged_dates_fail_at_one():
    row = (5, "旧闻", NOW - timedelta(days=40), NOW - timedelta(days=2))
    assert rules.forged_dates(facts(backdated=[row]), S).vetoed
    assert not rules.forged_dates(facts(backdated=[]), S).vetoed


# --- deductions -------------------------------------------------------------------------------------------------

def test_news_cadence_loses_in_proportion_to_the_months_short():
    # The months counted are the three complete ones before March: December, January, February.
    dates = [datetime(2025, 12, d, 9) for d in range(1, 21)] + [datetime(2026, 1, d, 9) for d in range(1, 21)] \
        + [datetime(2026, 2, d, 9) for d in range(1, 11)]  # February has 10 of 20
    result = rules.news_cadence(facts(news_dates=dates), S)
    assert result.lost == pytest.approx(15 * 0.5 / 3) and result.measures["months_short"] == 1
    assert rules.news_cadence(facts(news_dates=dates + [datetime(2026, 2, d, 9) for d in range(11, 21)]), S).lost == 0


def test_duties_and_footer_lose_their_shares():
    result = rules.duty_assignments(facts(duties={"publishing", "interaction"}), S)
    assert result.lost == pytest.approx(5 * 3 / 5)
    site = SimpleNamespace(is_window_department=False, sponsor_zh="x", address_zh="x", phone="x", icp_record="",
                           psb_record="", site_code="x")
    assert rules.footer_identity(facts(site=site), S).lost == pytest.approx(5 * 2 / 6)


def test_guides_free_items_need_no_fee_basis():
    assert rules.guide_completeness(facts(catalogue=[_item(1)]), S).lost == 0
    assert rules.guide_completeness(facts(catalogue=[_item(1), _item(2, promised_days=None)]), S).lost == 5
    assert rules.guide_completeness(facts(catalogue=[_item(1, fee_standard="按面积收取")]), S).lost == 10


def test_a_window_department_loses_for_licensing_items_not_online():
    site = SimpleNamespace(is_window_department=True)
    catalogue = [_item(1), _item(2)]
    catalogue[0].published_level = "online"
    assert rules.online_services(facts(site=site, catalogue=catalogue), S).lost == 5
    # Another department needs only forms: each item here has none and is not online.
    assert rules.online_services(facts(catalogue=[_item(1, forms=["表"])]), S).lost == 0


def test_the_security_rules_are_not_applied_until_the_checks_exist():
    assert rules.broken_links(facts(), S).status == "not_applied"
    assert rules.security_findings(facts(), S).status == "not_applied"
    counts = SimpleNamespace(broken_links=2, missing_attachments=0, open_findings=7, checked_at=NOW)
    assert rules.broken_links(facts(security=counts), S).lost == pytest.approx(2)
    assert rules.security_findings(facts(security=counts), S).lost == 5
