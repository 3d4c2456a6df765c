"""Publishing an item dated earlier than it was written: a reason beyond the margin, and the evaluation agrees."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.auth.models import User
from core.content.models import Article
from core.content.operations import create_article
from core.evaluation.engine import evaluate_site
from core.evaluation.settings import current_settings
from core.extensions import db
from core.publishing.operations import WorkflowError, apply_transition
from core.sections.queries import site_sections
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form


def _approved(app, site, written_days_ago: int = 0) -> int:
    with app.app_context(), activate_tenant(site.id):
        section = next(s for s in site_sections() if s.mandatory_key == "notices")
        article = create_article(section=section, title="关于印发《管理办法》的通知", status="approved")
        article.created_at = now() - timedelta(days=written_days_ago)
        db.session.commit()
        return article.id


def _publish(app, site, article_id, **kwargs):
    with app.app_context(), activate_tenant(site.id):
        actor = db.session.execute(select(User).where(User.username == "zhou.publisher")).scalar_one()
        article = db.session.get(Article, article_id)
        try:
            apply_transition(article, "publish", actor=actor, **kwargs)
        except WorkflowError as error:
            db.session.rollback()
            return error
        db.session.commit()
        return db.session.get(Article, article_id)


def test_a_date_beyond_the_margin_needs_its_reason(app, two_sites, create_account):
    rsj, _, _ = two_sites
    create_account("zhou.publisher", site=rsj, roles=["publisher"])
    article_id = _approved(app, rsj)
    today = now().date()
    within = _publish(app, rsj, _approved(app, rsj), dated=today - timedelta(days=3))
    assert within.published_at.date() == today - timedelta(days=3) and within.backdate_reason == ""
    refused = _publish(app, rsj, article_id, dated=today - timedelta(days=10))
    assert isinstance(refused, WorkflowError) and "backdate_reason" in refused.problems
    assert isinstance(_publish(app, rsj, article_id, dated=today + timedelta(days=1)), WorkflowError)
    published = _publish(app, rsj, article_id, dated=today - timedelta(days=10), backdate_reason="文件印发日期为上周")
    assert published.status == "published" and published.published_at.date() == today - timedelta(days=10)
    assert published.backdate_reason == "文件印发日期为上周"
    with app.app_context(), activate_tenant(rsj.id):
        assert evaluate_site(now()).result("forged_dates").measures["count"] == 0


def test_the_publish_form_asks_for_the_reason_under_its_field(app, two_sites, signed_in):
    rsj, _, _ = two_sites
    client, _ = signed_in(rsj.host, "zhou.publisher", site=rsj, roles=["publisher"])
    article_id = _approved(app, rsj)
    dated = (now().date() - timedelta(days=20)).isoformat()
    response = post_form(client, f"/admin/articles/{article_id}/step", {"action": "publish", "dated": dated},
                         form_path=f"/admin/articles/{article_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'name="backdate_reason"' in html
    assert '<details class="backdate" open>' in html
    response = post_form(client, f"/admin/articles/{article_id}/step", {"action": "publish", "dated": dated,
                                                                          "backdate_reason": "补录往年文件"},
                         form_path=f"/admin/articles/{article_id}")
    assert response.status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.get(Article, article_id).backdate_reason == "补录往年文件"


@pytest.mark.parametrize("days", [3, 4])
def test_the_margin_is_counted_in_days_before_the_item_was_written(app, two_sites, create_account, days):
    rsj, _, _ = two_sites
    create_account("zhou.publisher", site=rsj, roles=["publisher"])
    found = _publish(app, rsj, _approved(app, rsj, written_days_ago=5), dated=now().date() - timedelta(days=5 + days))
    assert isinstance(found, WorkflowError) == (days > 3)


def test_the_bureaus_margin_is_the_publish_steps_the_editors_and_the_evaluations(app, two_sites, signed_in):
    """The margin is one of the bureau's settings (backdate_margin_days): moved to ten days, an item dated eight
    days before it was written needs no reason to be published, says so on its page, and is no forged date."""
    from core.evaluation.operations import update_settings

    rsj, _, _ = two_sites
    client, _ = signed_in(rsj.host, "zhou.publisher", site=rsj, roles=["publisher"])
    client.set_language("en")
    eight_days = now().date() - timedelta(days=8)
    refused = _publish(app, rsj, _approved(app, rsj), dated=eight_days)
    assert isinstance(refused, WorkflowError) and "backdate_reason" in refused.problems
    with app.app_context():
        update_settings({"backdate_margin_days": 10})
        db.session.commit()
    article_id = _approved(app, rsj)
    html = client.get(f"/admin/articles/{article_id}").get_data(as_text=True)
    assert "More than 10 days before the item was written" in html
    published = _publish(app, rsj, article_id, dated=eight_days)
    assert published.status == "published" and published.backdate_reason == ""
    with app.app_context(), activate_tenant(rsj.id):
        result = evaluate_site(now()).result("forged_dates")
        assert result.measures["count"] == 0 and result.measures["margin"] == 10
        with_defaults = {**current_settings(), "backdate_margin_days": 3}
        assert evaluate_site(now(), with_defaults).result("forged_dates").measures["count"] == 1
