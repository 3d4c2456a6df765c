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
                overdue_letters=0,
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


def _answered(answered: int, on_time: int) -> Tally:
    return Tally(answered=answered, on_time=on_time, reply_days=[3] * answered)


@pytest.mark.parametrize("answered, on_time, overdue, lost", [
    (0, 0, 0, 0.0),  # nothing came due: nothing to lose
    (4, 4, 0, 0.0),
    (4, 3, 0, 10 * 1 / 4),
    (4, 4, 4, 10 * 4 / 8),  # overdue letters are late ones
    (4, 3, 1, 10 * 2 / 5),
    (0, 0, 3, 10.0),  # letters due and none answered: the whole weight, not "nothing answered"
])
def test_letters_on_time_counts_the_overdue_as_late(answered, on_time, overdue, lost):
    result = rules.letters_on_time(facts(letters=_answered(answered, on_time), overdue_letters=overdue), S)
    assert result.lost == pytest.approx(lost)
    assert result.status == ("lost" if lost else "ok")
    assert result.measures == {"answered": answered, "on_time": on_time, "overdue": overdue}


def test_overdue_letters_are_evidence_linking_to_the_overdue_list():
    result = rules.letters_on_time(facts(letters=_answered(2, 1), overdue_letters=3), S)
    assert [(e.note, e.params, e.endpoint, e.values) for e in result.evidence] == [
        ("on_time", {"on_time": 1, "answered": 2}, "interaction_letters.queue", {}),
        ("overdue_letters", {"count": 3}, "interaction_letters.queue", {"flag": "overdue"})]
    assert rules.letters_on_time(facts(letters=_answered(2, 2)), S).evidence == []


def test_the_on_time_verdict_names_the_overdue_letters(app):
    from core.evaluation.labels import evidence_text, verdict

    with app.test_request_context(headers={"Cookie": "lang=en"}):
        none = rules.letters_on_time(facts(), S)
        assert verdict(none) == "No letter answered or overdue in the counted months."
        unanswered = rules.letters_on_time(facts(overdue_letters=3), S)
        assert verdict(unanswered) == "0 of 3 letters due answered on time; 3 past their due date unanswered."
        assert evidence_text("overdue_letters", {"count": 3}) == "3 letters past their due date are still unanswered."
        # A snapshot kept before overdue letters were counted reads as it did.
        kept = rules.RuleResult("letters_on_time", "lost", measures={"answered": 4, "on_time": 3})
        assert verdict(kept) == "3 of 4 letters answered on time."


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


# --- deductions at and around their lines -------------------------------------------------------------------------


def _categories(empty: int, total: int = 13) -> list:
    return [SimpleNamespace(category=SimpleNamespace(name_zh=f"类别{n}", name_en=f"Category {n}"), empty=n < empty)
            for n in range(total)]


@pytest.mark.parametrize("empty, lost", [(0, 0.0), (1, 10 / 13), (2, 20 / 13), (13, 10.0)])
def test_disclosure_coverage_loses_each_empty_categorys_share(empty, lost):
    result = rules.disclosure_coverage(facts(disclosure=_categories(empty)), S)
    assert result.lost == pytest.approx(lost) and result.status == ("lost" if empty else "ok")
    assert result.measures == {"count": empty, "total": 13} and len(result.evidence) == empty
    assert all(e.endpoint == "disclosure_coverage.site_overview" for e in result.evidence)


def test_disclosure_coverage_with_no_category_listed_loses_nothing():
    assert rules.disclosure_coverage(facts(disclosure=[]), S).lost == 0


def _policy(n: int, level="municipal", number="廊政发〔2026〕1号", body="廊坊市人民政府", published=NOW):
    return (n, f"政策{n}", level, number, body, published)


@pytest.mark.parametrize("lacking, lost", [(0, 0.0), (1, 1.25), (3, 3.75), (4, 5.0)])
def test_policy_filing_loses_each_incomplete_policys_share(lacking, lost):
    # Each lacking policy misses another part: the level, the document number, the issuing body (blank), all three.
    gaps = [dict(level=None), dict(number=""), dict(body="  "), dict(level="", number="", body="")]
    policies = [_policy(n, **(gaps[n] if n < lacking else {})) for n in range(4)]
    result = rules.policy_filing(facts(policies=policies), S)
    assert result.lost == pytest.approx(lost) and result.measures == {"count": lacking, "total": 4}
    assert [e.values for e in result.evidence] == [{"article_id": n} for n in range(lacking)]
    if lacking == 4:
        assert result.evidence[3].params == {"fields": ["policy_level", "document_number", "issuing_body"]}


def test_policy_filing_without_policies_loses_nothing():
    assert rules.policy_filing(facts(policies=[]), S).lost == 0


def _uninterpreted(n: int, published: datetime):
    return SimpleNamespace(id=n, title=f"政策{n}", public_at=published)


# The counted months are the last `letters_months` (12): from 20 March 2025, 00:00.
SINCE = datetime(2025, 3, 20)


@pytest.mark.parametrize("published, counted", [(SINCE - timedelta(minutes=1), False), (SINCE, True),
                                                (SINCE + timedelta(days=1), True)])
def test_a_municipal_policy_counts_for_interpretation_from_the_first_day_of_the_counted_months(published, counted):
    found = facts(policies=[_policy(1, published=published), _policy(2)],
                  uninterpreted=[_uninterpreted(1, published)])
    result = rules.policy_interpretation(found, S)
    assert result.measures == ({"count": 1, "total": 2} if counted else {"count": 0, "total": 1})
    assert result.lost == pytest.approx(2.5 if counted else 0.0)


@pytest.mark.parametrize("lacking, lost", [(0, 0.0), (1, 1.25), (4, 5.0)])
def test_policy_interpretation_loses_each_uninterpreted_policys_share(lacking, lost):
    published = NOW - timedelta(days=30)
    found = facts(policies=[_policy(n, published=published) for n in range(4)] + [_policy(9, level="provincial")],
                  uninterpreted=[_uninterpreted(n, published) for n in range(lacking)])
    result = rules.policy_interpretation(found, S)
    assert result.lost == pytest.approx(lost) and result.measures == {"count": lacking, "total": 4}
    assert all(e.endpoint == "publishing.edit" for e in result.evidence)


def _tally(reply_days: list[int]) -> Tally:
    return Tally(answered=len(reply_days), on_time=len(reply_days), reply_days=reply_days)


# The mailboxes' limit is 5 working days: a median over half of it (2.5) loses half the weight, over it all.
@pytest.mark.parametrize("days, lost", [([2], 0.0), ([2, 3], 0.0), ([3], 2.5), ([5], 2.5), ([5, 6], 5.0),
                                        ([6], 5.0)])
def test_reply_time_loses_half_over_half_the_limit_and_all_over_it(days, lost):
    result = rules.reply_time(facts(letters=_tally(days)), S)
    assert result.lost == pytest.approx(lost) and result.measures["limit"] == 5
    assert (result.evidence[0].endpoint if result.evidence else None) == ("interaction_letters.queue" if lost else None)


def test_reply_time_with_no_letter_answered_loses_nothing():
    assert rules.reply_time(facts(letters=Tally()), S).lost == 0


@pytest.mark.parametrize("agreed, published, lost", [(0, 0, 0.0), (4, 4, 0.0), (4, 3, 1.25), (4, 0, 5.0)])
def test_replies_published_loses_the_share_of_agreed_replies_not_published(agreed, published, lost):
    result = rules.replies_published(facts(publication=(agreed, published)), S)
    assert result.lost == pytest.approx(lost) and result.measures == {"agreed": agreed, "published": published}
    assert [e.endpoint for e in result.evidence] == (["interaction_letters.queue"] if lost else [])


def _closed(summarised: list[bool]) -> list:
    return [(n, f"征集{n}", date(2026, 1, 10 + n), done) for n, done in enumerate(summarised)]


@pytest.mark.parametrize("summarised, lost", [([], 0.0), ([True, True], 0.0), ([True, False], 2.5),
                                              ([False, False], 5.0)])
def test_consultation_summaries_lose_the_share_closed_without_a_summary(summarised, lost):
    result = rules.consultation_summaries(facts(consultations=_closed(summarised)), S)
    assert result.lost == pytest.approx(lost)
    assert result.measures == {"count": summarised.count(False), "total": len(summarised)}
    assert [e.values for e in result.evidence] == [{"consultation_id": n} for n, done in enumerate(summarised)
                                                   if not done]


# --- evidence and where to fix it ---------------------------------------------------------------------------------


def failing_everywhere():
    """Facts on which every rule finds something: each verdict then has evidence to show."""
    late = LateLetter(4, "supervision", NOW - timedelta(days=100), "assigned", veto=True, warned=True)
    return facts(
        section_states=states(10, 400) + states(5, None), homepage_newest=None,
        consultation_mailbox=SimpleNamespace(enabled=False), late_letters=[late],
        catalogue=[_item(1, missing=("hours",), fee_standard="按面积收取", promised_days=None)],
        backdated=[(5, "旧闻", NOW - timedelta(days=40), NOW - timedelta(days=2))], news_dates=[],
        disclosure=_categories(1), policies=[_policy(1, level=None), _policy(2)],
        uninterpreted=[_uninterpreted(2, NOW)], letters=Tally(answered=2, on_time=1, reply_days=[9, 9]),
        publication=(2, 0), consultations=_closed([False]), duties=set(),
        security=SimpleNamespace(broken_links=1, missing_attachments=1, open_findings=2, checked_at=NOW),
        site=SimpleNamespace(is_window_department=False, sponsor_zh="x", address_zh="x", phone="x", icp_record="",
                             psb_record="", site_code="x"))


def test_every_rules_evidence_links_to_the_admin_page_that_fixes_it(app):
    """Every rule, a future one too: on a site failing it, each piece of evidence names a page of the site's admin
    that exists, so the self-check, the drill-down and the admin home's things to do are links."""
    from flask import url_for

    found = failing_everywhere()
    with app.test_request_context():
        for rule in rules.RULES:
            result = rule.check(found, S)
            assert result.status != "ok" and result.evidence, rule.key
            for evidence in result.evidence:
                assert evidence.endpoint, (rule.key, evidence.note)
                assert url_for(evidence.endpoint, **evidence.values).startswith("/admin/"), (rule.key, evidence.note)


@pytest.mark.parametrize("links, files, values", [(2, 0, {"rule": "content.broken_links"}),
                                                  (0, 1, {"rule": "content.missing_attachments"}), (1, 1, {})])
def test_broken_links_lead_to_the_security_page_filtered_on_what_was_found(links, files, values):
    counts = SimpleNamespace(broken_links=links, missing_attachments=files, open_findings=links + files,
                             checked_at=NOW)
    evidence = rules.broken_links(facts(security=counts), S).evidence
    assert [(e.endpoint, e.values) for e in evidence] == [("security.index", values)]
    assert [(e.endpoint, e.values) for e in rules.security_findings(facts(security=counts), S).evidence] == \
        [("security.index", {})]


@pytest.mark.parametrize("found, full, lost", [(4, 5, 4.0), (5, 5, 5.0), (6, 5, 5.0), (5, 10, 2.5), (10, 10, 5.0)])
def test_the_bureau_sets_how_many_findings_take_the_whole_security_weight(found, full, lost):
    counts = SimpleNamespace(broken_links=found, missing_attachments=0, open_findings=found, checked_at=NOW)
    settings = {**S, "links_full": full, "findings_full": full}
    assert rules.broken_links(facts(security=counts), settings).lost == pytest.approx(lost)
    assert rules.security_findings(facts(security=counts), settings).lost == pytest.approx(lost)
