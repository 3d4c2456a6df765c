"""The scheduled-publishing job, called as the scheduler calls it, with a fixed clock."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.content.models import Article
from core.extensions import db
from core.timeutil import now
from core.publishing.jobs import publish_due
from tenants.scoping import activate_tenant


def _scheduled(app, site, title, at, expires=None):
    with app.app_context(), activate_tenant(site.id):
        a = db.session.execute(select(Article).where(Article.title == title)).scalars().first()
        a.status, a.publish_at, a.published_at, a.expires_at = "scheduled", at, None, expires
        db.session.commit()
        return a.id


def test_job_publishes_due_items_on_every_site_once(app, two_sites, client_for):
    rsj, czj, _ = two_sites
    at = now().replace(microsecond=0) + timedelta(hours=2)
    ids = {site.slug: _scheduled(app, site, "关于做好年度考核工作的通知", at, at + timedelta(days=1))
           for site in (rsj, czj)}
    with app.app_context():
        early = publish_due(now=at - timedelta(seconds=1))
        assert early.done == {"czj": {"published": 0, "expired": 0}, "rsj": {"published": 0, "expired": 0}}
        result = publish_due(now=at)
        assert result.done == {"czj": {"published": 1, "expired": 0}, "rsj": {"published": 1, "expired": 0}}
        again = publish_due(now=at + timedelta(minutes=1))
        assert again.done["rsj"] == {"published": 0, "expired": 0}
    # "now" in the job is the scheduler's; the public site shows what its clock allows.
    with app.app_context(), activate_tenant(rsj.id):
        article = db.session.execute(select(Article).where(Article.id == ids["rsj"])).scalar_one()
        assert article.status == "published" and article.published_at == at
    with app.app_context():
        later = publish_due(now=at + timedelta(days=1))
        assert later.done["czj"] == {"published": 0, "expired": 1}
    assert client_for("czj.localhost").get(f"/articles/{ids['czj']}").status_code == 404
