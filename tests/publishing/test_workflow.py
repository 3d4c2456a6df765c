"""The publishing process: every step by its role, every wrong step refused with nothing changed."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEntry
from core.content.models import STATUSES, Article
from core.extensions import db
from core.publishing.operations import (StaleArticle, WorkflowError, WorkflowForbidden, apply_transition,
                                        create_draft, run_due, save_article)
from core.publishing.workflow import TRANSITIONS
from core.sections.models import Section
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import activate_tenant

FIELDS = {"title": "市人事局召开人才工作会议", "body_html": "<p>会议部署了全年人才工作。</p>", "summary": "",
          "source": "办公室", "author": "张明"}


def draft(act, staff, news_section, **fields):
    def make(user, _):
        section = db.session.get(Section, news_section)
        return create_draft(section=section, actor=user, fields={**FIELDS, **fields})[0].id
    return act(staff["collector"], make)


def step(act, user_id, article_id, action, **kwargs):
    return act(user_id, lambda u, a: apply_transition(a, action, actor=u, **kwargs), article_id)


def audit_count(app, site) -> int:
    with app.app_context(), activate_tenant(site.id):
        return db.session.execute(select(func.count()).select_from(AuditEntry)).scalar()


def test_the_whole_way_to_the_public_and_back(app, two_sites, staff, act, state_of, news_section, client_for):
    article = draft(act, staff, news_section)
    assert state_of(article) == "collecting"
    assert step(act, staff["collector"], article, "submit") == "editing"
    assert step(act, staff["editor"], article, "submit") == "reviewing"
    assert step(act, staff["reviewer"], article, "approve") == "approved"
    public = client_for("rsj.localhost")
    assert public.get(f"/articles/{article}").status_code == 404
    assert step(act, staff["publisher"], article, "publish") == "published"
    page = public.get(f"/articles/{article}").get_data(as_text=True)
    assert FIELDS["title"] in page and FIELDS["title"] in public.get("/").get_data(as_text=True)
    assert step(act, staff["publisher"], article, "withdraw", comment="信息有误") == "withdrawn"
    assert public.get(f"/articles/{article}").status_code == 404
    assert FIELDS["title"] not in public.get("/sections/news/").get_data(as_text=True)
    with app.app_context(), activate_tenant(two_sites[0].id):
        trail = db.session.execute(select(AuditEntry.action, AuditEntry.detail)
                                   .where(AuditEntry.target == f"article:{article}").order_by(AuditEntry.id)).all()
    assert [a for a, _ in trail] == ["article.create", "article.submit", "article.submit", "article.approve",
                                     "article.publish", "article.withdraw"]
    assert "信息有误" in trail[-1][1]


def test_sending_back_needs_a_comment_which_is_kept(app, two_sites, staff, act, state_of, news_section):
    article = draft(act, staff, news_section)
    step(act, staff["collector"], article, "submit")
    with pytest.raises(WorkflowError):
        step(act, staff["editor"], article, "return")
    assert state_of(article) == "editing"
    assert step(act, staff["editor"], article, "return", comment="请补充会议时间") == "collecting"


def _put_in(app, site, article_id, status):
    with app.app_context(), activate_tenant(site.id):
        a = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one()
        a.status = status
        a.needs_post_review = status == "published"
        db.session.commit()


CASES = [(status, action, role) for status in STATUSES for action in sorted({t.action for t in TRANSITIONS})
         for role in ("collector", "editor", "reviewer", "publisher")]


@pytest.mark.parametrize("status, action, role", CASES)
def test_every_step_is_allowed_exactly_by_the_table(app, two_sites, staff, act, state_of, news_section,
                                                    status, action, role):
    rsj = two_sites[0]
    article = draft(act, staff, news_section)
    _put_in(app, rsj, article, status)
    permission_of = {"collector": "content.collect", "editor": "content.edit", "reviewer": "content.review",
                     "publisher": "content.publish"}
    rule = next((t for t in TRANSITIONS if t.action == action and status in t.source), None)
    allowed = rule is not None and rule.permission == permission_of[role]
    before = audit_count(app, rsj)
    try:
        step(act, staff[role], article, action, comment="理由")
    except (WorkflowError, WorkflowForbidden):
        assert not allowed, f"{role} should be able to {action} from {status}"
        assert state_of(article) == status and audit_count(app, rsj) == before
    else:
        assert allowed, f"{role} must not {action} from {status}"


def test_nobody_reviews_what_they_wrote(app, two_sites, create_account, act, state_of, news_section):
    rsj = two_sites[0]
    both = create_account("rsj.both", site=rsj, roles=["collector", "editor", "reviewer"]).id
    staff = {"collector": both}
    article = draft(act, staff, news_section)
    step(act, both, article, "submit")
    step(act, both, article, "submit")
    with pytest.raises(WorkflowForbidden):
        step(act, both, article, "approve")
    assert state_of(article) == "reviewing"
    with app.app_context():
        db.session.get(Tenant, rsj.id).review_own_forbidden = False
        db.session.commit()
    assert step(act, both, article, "approve") == "approved"


def test_steps_on_another_sites_article_are_not_found(app, two_sites, staff, client_for, signed_in, create_article_in):
    rsj, czj, articles = two_sites
    client, _ = signed_in("rsj.localhost", "rsj.pub2", site=rsj, roles=["publisher"])
    foreign = articles["czj"][0]
    assert client.get(f"/admin/articles/{foreign}").status_code == 404
    from tests.fixtures.accounts import post_form

    response = post_form(client, f"/admin/articles/{foreign}/step", {"action": "withdraw", "comment": "x"},
                         form_path="/admin/articles/")
    assert response.status_code == 404
    with app.app_context(), activate_tenant(czj.id):
        assert db.session.execute(select(Article.status).where(Article.id == foreign)).scalar() == "published"


def test_scheduled_publication_and_expiry_by_the_job_function(app, two_sites, staff, act, state_of, news_section):
    rsj = two_sites[0]
    article = draft(act, staff, news_section)
    _put_in(app, rsj, article, "approved")
    at = (now() + timedelta(days=1)).replace(second=0)
    until = at + timedelta(days=7)
    assert step(act, staff["publisher"], article, "publish", publish_at=at, expires_at=until) == "scheduled"

    def due(moment):
        with app.app_context(), activate_tenant(rsj.id):
            counts = run_due(moment)
            db.session.commit()
            return counts

    assert due(at - timedelta(minutes=1)) == {"published": 0, "expired": 0}
    assert due(at) == {"published": 1, "expired": 0} and state_of(article) == "published"
    assert due(at + timedelta(minutes=5)) == {"published": 0, "expired": 0}  # a re-run publishes nothing twice
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(Article.published_at).where(Article.id == article)).scalar() == at
    assert due(until) == {"published": 0, "expired": 1} and state_of(article) == "withdrawn"
    assert due(until + timedelta(hours=1)) == {"published": 0, "expired": 0}


def test_expiry_before_publication_is_refused(app, two_sites, staff, act, state_of, news_section):
    article = draft(act, staff, news_section)
    _put_in(app, two_sites[0], article, "approved")
    at = now() + timedelta(days=2)
    with pytest.raises(WorkflowError):
        step(act, staff["publisher"], article, "publish", publish_at=at, expires_at=at - timedelta(hours=1))
    assert state_of(article) == "approved"


def test_urgent_item_published_past_review_is_flagged_until_approved(app, two_sites, staff, act, state_of,
                                                                     news_section, client_for):
    article = draft(act, staff, news_section)
    with pytest.raises(WorkflowError):
        step(act, staff["publisher"], article, "force_publish")
    assert step(act, staff["publisher"], article, "force_publish", comment="防汛紧急通知") == "published"
    assert client_for("rsj.localhost").get(f"/articles/{article}").status_code == 200
    with app.app_context(), activate_tenant(two_sites[0].id):
        a = db.session.execute(select(Article).where(Article.id == article)).scalar_one()
        assert a.needs_post_review and a.force_reason == "防汛紧急通知"
    step(act, staff["reviewer"], article, "post_approve")
    with app.app_context(), activate_tenant(two_sites[0].id):
        assert not db.session.execute(select(Article.needs_post_review).where(Article.id == article)).scalar()
    with pytest.raises(WorkflowError):
        step(act, staff["reviewer"], article, "post_approve")


def test_a_stale_save_is_refused_and_loses_nothing(app, two_sites, staff, act, news_section):
    article = draft(act, staff, news_section)
    step(act, staff["collector"], article, "submit")
    opened = act(staff["editor"], lambda u, a: a.version, article)  # both editors open the form now
    act(staff["editor"], lambda u, a: save_article(a, actor=u, fields={**FIELDS, "title": "第一位编辑的标题"},
                                                   expected_version=opened), article)
    with pytest.raises(StaleArticle):
        act(staff["editor"], lambda u, a: save_article(a, actor=u, fields={**FIELDS, "title": "第二位编辑的标题"},
                                                       expected_version=opened), article)
    with app.app_context(), activate_tenant(two_sites[0].id):
        assert db.session.execute(select(Article.title).where(Article.id == article)).scalar() == "第一位编辑的标题"


def test_time_is_the_citys(app):
    assert abs((now() - datetime.now()).total_seconds()) < 24 * 3600
