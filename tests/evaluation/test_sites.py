"""Planted sites meant to be excellent, good, poor and vetoed come out so; the statements per site stay fixed;
back-dated items, letters and sections planted in real tables are found with their evidence."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.content.models import Article
from core.evaluation.engine import evaluate_site
from core.extensions import db
from core.sections.models import Section
from tenants.scoping import activate_tenant
from tests.evaluation.planting import NOW, letter, plant


def _evaluate(app, site, moment=NOW):
    with app.app_context(), activate_tenant(site.id):
        found = evaluate_site(moment)
        db.session.remove()
        return found


@pytest.mark.parametrize("level, kept, grade", [
    ("excellent", {}, "excellent"),
    # Only 10 items in January and none in February (-7.5), two duties unassigned (-2), the guide without its
    # time limit (-10): 80.5.
    ("good", dict(news=(20, 10, 0), duties=3, guide_complete=False), "good"),
    # No work news at all (-15), no duty assigned (-5), the guide incomplete (-10), three footer facts (-2.5).
    ("poor", dict(news=(0, 0, 0), duties=0, guide_complete=False, footer=False), "poor"),
    # Kept excellently, but nothing new on the homepage for 20 days.
    ("vetoed", dict(homepage_days=20), "failed"),
])
def test_planted_sites_come_out_as_meant(app, create_site, level, kept, grade):
    site = create_site(f"s{level[:3]}")
    plant(app, site, **kept)
    found = _evaluate(app, site)
    assert found.grade == grade, [(r.key, r.status, round(r.lost, 1)) for r in found.results if r.status != "ok"]
    if level == "excellent":
        assert found.score == 100 and not found.vetoes and not found.warnings
    if level == "vetoed":
        assert [r.key for r in found.vetoes] == ["homepage"] and found.score == 100
        assert found.todo()[0].rule == "homepage"


def test_statements_per_site_do_not_grow_with_what_a_site_holds(app, create_site, count_queries):
    small, large = create_site("small"), create_site("large")
    plant(app, small, news=(20, 20, 20))
    plant(app, large, news=(200, 200, 200), forged=30)
    counts = []
    for site in (small, large):
        with app.app_context(), activate_tenant(site.id):
            db.session.expire_all()
            with count_queries() as counter:
                evaluate_site(NOW)
            counts.append(counter.count)
            db.session.remove()
    assert counts[0] == counts[1] <= 35


def test_an_item_dated_beyond_the_margin_without_a_reason_is_a_forged_date(app, create_site):
    site = create_site("forged")
    plant(app, site)
    with app.app_context(), activate_tenant(site.id):
        notices = db.session.execute(select(Section.id).where(Section.mandatory_key == "notices")).scalar_one()
        written = NOW - timedelta(days=1)
        db.session.add_all([
            # Three days earlier than written: within the margin (the bureau's, 3 days by default).
            Article(section_id=notices, title="三天前的通知", status="published",
                    published_at=written - timedelta(days=3), created_at=written),
            # Ten days earlier, with its reason: allowed.
            Article(section_id=notices, title="补录的文件", status="published", backdate_reason="文件印发日期",
                    published_at=written - timedelta(days=10), created_at=written)])
        db.session.commit()
    assert not _evaluate(app, site).result("forged_dates").vetoed
    with app.app_context(), activate_tenant(site.id):
        db.session.add(Article(section_id=notices, title="倒签的通知", status="published",
                               published_at=written - timedelta(days=3, minutes=1), created_at=written))
        db.session.commit()
    result = _evaluate(app, site).result("forged_dates")
    assert result.vetoed and [e.label for e in result.evidence] == ["倒签的通知"]
    assert result.evidence[0].endpoint == "publishing.edit"


def test_letters_three_months_unanswered_fail_and_two_months_warn(app, create_site):
    site = create_site("letters")
    plant(app, site)
    with app.app_context(), activate_tenant(site.id):
        db.session.add(letter(datetime(2026, 1, 15, 9)))  # two months and five days: the early warning
        db.session.commit()
    result = _evaluate(app, site).result("late_letters")
    assert (result.status, result.warning) == ("ok", True)
    with app.app_context(), activate_tenant(site.id):
        db.session.add(letter(datetime(2025, 12, 19, 9)))  # three months and a day
        db.session.add(letter(datetime(2025, 10, 1, 9), "replied", datetime(2025, 11, 1, 9)))  # answered in a month
        db.session.commit()
    found = _evaluate(app, site)
    result = found.result("late_letters")
    assert result.vetoed and result.measures == {"count": 1, "warned": 1, "months": 3, "warning_months": 2}
    assert found.grade == "failed"
    assert {e.note for e in result.evidence} == {"letter_veto", "letter_warned"}


def test_overdue_letters_count_as_late_and_a_site_answering_none_loses_the_whole_weight(app, create_site):
    site = create_site("ontime")
    plant(app, site)
    with app.app_context(), activate_tenant(site.id):
        db.session.add(letter(datetime(2026, 3, 18, 9)))  # due on 25 March: not late yet
        db.session.commit()
    result = _evaluate(app, site).result("letters_on_time")
    assert (result.status, result.lost) == ("ok", 0)  # nothing has come due
    with app.app_context(), activate_tenant(site.id):
        db.session.add(letter(datetime(2026, 3, 2, 9)))  # due on 9 March, still with the office
        db.session.add(letter(datetime(2026, 3, 3, 9), "info_requested"))  # waiting for the writer: not overdue
        db.session.commit()
    result = _evaluate(app, site).result("letters_on_time")
    assert (result.status, result.lost) == ("lost", 10)  # letters due, none answered: all of the weight
    assert result.measures == {"answered": 0, "on_time": 0, "overdue": 1}
    assert [(e.note, e.values) for e in result.evidence] == [("overdue_letters", {"flag": "overdue"})]
    with app.app_context(), activate_tenant(site.id):
        db.session.add(letter(datetime(2026, 2, 2, 9), "replied", datetime(2026, 2, 4, 9)))  # on time
        db.session.commit()
    result = _evaluate(app, site).result("letters_on_time")
    assert result.lost == 5 and result.measures == {"answered": 1, "on_time": 1, "overdue": 1}


def test_stale_and_empty_sections_planted_in_the_site(app, create_site):
    from core.sections.operations import add_section, set_empty_note

    site = create_site("stale")
    plant(app, site)
    with app.app_context(), activate_tenant(site.id):
        for n in range(5):
            add_section(name_zh=f"空栏目{n}", name_en=f"Empty {n}", slug=f"empty{n}")
        db.session.commit()
    found = _evaluate(app, site)
    assert found.result("empty_sections").vetoed and found.grade == "failed"
    with app.app_context(), activate_tenant(site.id):
        section = db.session.execute(select(Section).where(Section.slug == "empty0")).scalar_one()
        set_empty_note(section, "本年度尚无该类事项")
        db.session.commit()
    found = _evaluate(app, site)
    assert not found.result("empty_sections").vetoed and found.result("empty_sections").warning
    # A news-like section last updated 20 days ago is overdue; as of an earlier moment it was not.
    with app.app_context(), activate_tenant(site.id):
        news = db.session.execute(select(Section).where(Section.mandatory_key == "news")).scalar_one()
        assert news.update_class == "news"
    assert _evaluate(app, site, NOW + timedelta(days=20)).result("overdue_sections").measures["count"] >= 1
    assert _evaluate(app, site).result("overdue_sections").measures["count"] == 0


def test_a_past_moment_sees_only_what_was_public_then(app, create_site):
    site = create_site("past")
    plant(app, site)
    found = _evaluate(app, site, datetime(2025, 12, 15, 9))
    assert found.result("homepage").measures["days"] == 0
    assert found.as_of.date() == date(2025, 12, 15)
