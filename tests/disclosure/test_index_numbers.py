"""Index numbers (索引号): `<organisation code>/<year>-<serial>`, given at first publication, unique on the site, kept
for good, never given again (not after withdrawal, not after deletion), and safe when two processes publish at once."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from core.auth.models import User
from core.content.models import Article
from core.disclosure.index_numbers import format_index_number
from core.disclosure.models import IndexCounter
from core.extensions import db
from core.publishing.operations import apply_change_step, apply_transition, run_due, save_article
from core.publishing.queries import snapshot
from core.sections.queries import site_sections
from core.sites.codes import check_character, is_credit_code
from core.sites.operations import update_site_settings
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant

ROOT = Path(__file__).resolve().parents[2]
CODE = "11131000MB1234567" + check_character("11131000MB1234567")


def _set_code(app, site, code=CODE) -> None:
    with app.app_context():
        tenant = db.session.get(Tenant, site.id)
        update_site_settings(tenant, organisation_code=code)
        db.session.commit()


def _approved(site, lists, title: str, *, section: str = "disclosure", filed: bool = True) -> Article:
    """An approved item (the active site), ready for a publisher."""
    found = next(s for s in site_sections() if s.slug == section)
    article = Article(section_id=found.id, title=title, status="approved",
                      disclosure_category_id=lists.categories["统计信息"] if filed else None,
                      subject_id=lists.subjects["综合政务"] if filed else None)
    db.session.add(article)
    db.session.flush()
    return article


def test_the_format_and_the_check_character():
    assert format_index_number("11131000000000000X", 2026, 42) == "11131000000000000X/2026-00042"
    assert format_index_number("11131000000000000X", 2026, 123456) == "11131000000000000X/2026-123456"
    assert is_credit_code(CODE) and not is_credit_code(CODE[:-1] + ("0" if CODE[-1] != "0" else "1"))
    assert not is_credit_code("11131000000000000") and not is_credit_code("11131000000000000I")


def test_published_items_are_numbered_in_order_per_site_and_year_and_keep_their_number(app, two_sites, lists,
                                                                                         create_account):
    rsj, czj, _ = two_sites
    _set_code(app, rsj)
    publisher = create_account("rsj.pub", site=rsj, roles=["publisher", "editor"])
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, publisher.id)
        first, second = _approved(rsj, lists, "一"), _approved(rsj, lists, "二")
        unfiled = _approved(rsj, lists, "工作动态", section="news", filed=False)
        for article in (first, second, unfiled):
            apply_transition(article, "publish", actor=actor)
        db.session.commit()
        year = first.published_at.year
        assert (first.index_number, second.index_number) == (f"{CODE}/{year}-00001", f"{CODE}/{year}-00002")
        assert unfiled.index_number is None
        # Withdrawn, reopened and published again: the same number.
        apply_transition(first, "withdraw", actor=actor, comment="内容有误")
        apply_transition(first, "reopen", actor=actor)
        db.session.commit()
        assert first.index_number == f"{CODE}/{year}-00001"
        # A corrected text keeps it too; so does a new organisation code.
        db.session.commit()
    _set_code(app, rsj, "11131000MB7654321" + check_character("11131000MB7654321"))
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, publisher.id)
        second = db.session.execute(select(Article).where(Article.title == "二")).scalar_one()
        apply_change_step(second, "change_start", actor=actor)
        fields = {k: v for k, v in snapshot(second).items() if k != "attachments"}
        save_article(second, actor=actor, expected_version=second.version, fields={**fields, "title": "二（更正）"})
        apply_change_step(second, "change_force_publish", actor=actor, comment="错字")
        db.session.commit()
        assert second.index_number == f"{CODE}/{year}-00002"
    # The other site counts on its own, from its own prefix (no code given yet: its site identifier code or name).
    with app.app_context(), activate_tenant(czj.id):
        other = next(s for s in site_sections() if s.slug == "disclosure")
        from core.content.operations import create_article
        article = create_article(section=other, title="一", disclosure_category_id=lists.categories["统计信息"],
                                 subject_id=lists.subjects["综合政务"])
        db.session.commit()
        assert article.index_number == f"czj-/{year}-00001"


def test_a_number_is_never_given_again_after_withdrawal_or_deletion(app, two_sites, lists, create_account):
    rsj = two_sites[0]
    _set_code(app, rsj)
    publisher = create_account("rsj.pub", site=rsj, roles=["publisher"])
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, publisher.id)
        items = [_approved(rsj, lists, f"第{n}条") for n in range(3)]
        for article in items:
            apply_transition(article, "publish", actor=actor)
        db.session.commit()
        year = items[0].published_at.year
        apply_transition(items[1], "withdraw", actor=actor, comment="已废止")
        db.session.delete(items[2])
        db.session.commit()
        later = _approved(rsj, lists, "新的一条")
        apply_transition(later, "publish", actor=actor)
        db.session.commit()
        assert later.index_number == f"{CODE}/{year}-00004"
        assert db.session.execute(select(IndexCounter.last_serial).where(IndexCounter.year == year)).scalar_one() == 4


def test_a_scheduled_item_is_numbered_when_it_goes_out_and_consumes_no_serial_before(app, two_sites, lists,
                                                                                    create_account):
    """The number is given when the item goes public, with that year: scheduling takes no serial of a future year,
    and an item scheduled for next year, unscheduled and published now, is numbered in this year."""
    rsj = two_sites[0]
    publisher = create_account("rsj.pub", site=rsj, roles=["publisher"])
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, publisher.id)
        this_year, next_year = now().year, now().year + 1
        later = _approved(rsj, lists, "明年的计划")
        apply_transition(later, "publish", actor=actor, publish_at=datetime(next_year, 1, 2, 9, 0))
        changed_mind = _approved(rsj, lists, "改为现在发布")
        apply_transition(changed_mind, "publish", actor=actor, publish_at=datetime(next_year, 1, 5, 9, 0))
        db.session.commit()
        assert later.index_number is None and changed_mind.index_number is None
        assert db.session.execute(select(IndexCounter).where(IndexCounter.year == next_year)).first() is None
        apply_transition(changed_mind, "unschedule", actor=actor)
        apply_transition(changed_mind, "publish", actor=actor)
        db.session.commit()
        assert changed_mind.index_number.endswith(f"/{this_year}-00001") and changed_mind.index_year == this_year
        # The scheduled job publishes the other at its time: numbered then, with the year it went out.
        run_due(datetime(next_year, 1, 2, 9, 1))
        db.session.commit()
        assert later.status == "published" and later.index_number.endswith(f"/{next_year}-00001")
        assert later.index_year == next_year


def test_the_catalogue_year_is_the_number_s_year_even_after_republication(app, two_sites, lists, create_account,
                                                                          client_for):
    """Withdrawn and published again in a later year, an item keeps its number and its year in the catalogue."""
    rsj = two_sites[0]
    publisher = create_account("rsj.pub", site=rsj, roles=["publisher", "editor"])
    with app.app_context(), activate_tenant(rsj.id):
        actor = db.session.get(User, publisher.id)
        article = _approved(rsj, lists, "去年发布后撤回的通知")
        article.status, article.published_at = "published", datetime(now().year - 1, 6, 1, 9, 0)
        db.session.commit()
        number, year = article.index_number, now().year - 1
        assert f"/{year}-" in number and article.index_year == year
        apply_transition(article, "withdraw", actor=actor, comment="内容有误")
        apply_transition(article, "reopen", actor=actor)
        article.status = "approved"
        apply_transition(article, "publish", actor=actor)
        db.session.commit()
        assert article.index_number == number and article.published_at.year == now().year
        apply_transition(_approved(rsj, lists, "今年的通知"), "publish", actor=actor)
        db.session.commit()
    client = client_for("rsj.localhost")
    assert "去年发布后撤回的通知" in client.get(f"/disclosure/catalogue?year={year}").get_data(as_text=True)
    this_year = client.get(f"/disclosure/catalogue?year={year + 1}")
    assert this_year.status_code == 200 and "今年的通知" in this_year.get_data(as_text=True)
    assert "去年发布后撤回的通知" not in this_year.get_data(as_text=True)


_PUBLISHER = """
import sys, time
from core import create_app
from core.auth.models import User
from core.content.models import Article
from core.extensions import db
from core.publishing.operations import apply_transition
from tenants.scoping import activate_tenant

site_id, user_id, start = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
ids = [int(i) for i in sys.argv[4].split(",")]
app = create_app({"SECRET_KEY": "x"})
with app.app_context(), activate_tenant(site_id):
    actor = db.session.get(User, user_id)
    while time.time() < start:
        time.sleep(0.005)
    for article_id in ids:
        article = db.session.get(Article, article_id)
        apply_transition(article, "publish", actor=actor)
        db.session.commit()
"""


def test_two_processes_publishing_at_once_never_share_a_number(app, two_sites, lists, create_account):
    """On the suite's database: SQLite (its single writer) or, with TEST_DATABASE_URL, PostgreSQL (the row lock)."""
    import time

    rsj = two_sites[0]
    _set_code(app, rsj)
    publisher = create_account("rsj.pub", site=rsj, roles=["publisher"])
    with app.app_context(), activate_tenant(rsj.id):
        ids = [_approved(rsj, lists, f"并发发布{n}").id for n in range(24)]
        db.session.commit()
        url = db.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    env.pop("GOVSITES_DATABASE_URL", None)
    start = time.time() + 4  # both processes begin publishing at the same moment
    workers = [subprocess.Popen([sys.executable, "-c", _PUBLISHER, str(rsj.id), str(publisher.id), str(start),
                                 ",".join(str(i) for i in half)], cwd=ROOT, env=env, stderr=subprocess.PIPE)
               for half in (ids[0::2], ids[1::2])]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()[-2000:]
    with app.app_context(), activate_tenant(rsj.id):
        numbers = db.session.execute(select(Article.index_number).where(Article.id.in_(ids))).scalars().all()
        year = now().year
        assert sorted(numbers) == [f"{CODE}/{year}-{n:05d}" for n in range(1, 25)]
        assert db.session.execute(select(IndexCounter.last_serial)).scalar_one() == 24
