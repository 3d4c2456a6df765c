"""What the public sees is decided when it asks: expiry and scheduled publication do not wait for the job."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.content.models import Article
from core.extensions import db
from core.timeutil import now
from jobs.lease import acquire_lease
from tenants.scoping import activate_tenant


def _set(app, site, article_id, **values):
    with app.app_context(), activate_tenant(site.id):
        article = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one()
        for key, value in values.items():
            setattr(article, key, value)
        db.session.commit()


def test_an_expired_item_is_gone_from_every_public_page_without_the_job(app, two_sites, create_article_in,
                                                                       client_for):
    rsj = two_sites[0]
    article_id = create_article_in(rsj, "news", "过期的通知标题")
    _set(app, rsj, article_id, expires_at=now() - timedelta(minutes=1))  # the job has not run: still "published"
    client = client_for("rsj.localhost")
    assert client.get(f"/articles/{article_id}").status_code == 404
    for path in ("/", "/sections/news/"):
        assert "过期的通知标题" not in client.get(path).get_data(as_text=True), path
    assert "过期的通知标题" not in client_for("localhost").get("/").get_data(as_text=True)


def test_a_scheduled_item_is_up_at_its_time_without_the_job(app, two_sites, create_article_in, client_for):
    rsj = two_sites[0]
    article_id = create_article_in(rsj, "news", "定时发布的新闻")
    due = now() - timedelta(minutes=2)
    _set(app, rsj, article_id, status="scheduled", published_at=None, publish_at=due)
    client = client_for("rsj.localhost")
    page = client.get(f"/articles/{article_id}")
    assert page.status_code == 200 and due.strftime("%Y-%m-%d %H:%M") in page.get_data(as_text=True)
    assert "定时发布的新闻" in client.get("/sections/news/").get_data(as_text=True)
    _set(app, rsj, article_id, publish_at=now() + timedelta(hours=1))  # not yet due: not shown
    assert client.get(f"/articles/{article_id}").status_code == 404


def test_the_publisher_is_told_when_no_scheduler_runs(app, two_sites, signed_in):
    rsj = two_sites[0]
    client, _ = signed_in("rsj.localhost", "zhao.publisher", site=rsj, roles=["publisher"])
    assert "没有调度器在运行" in client.get("/admin/articles/").get_data(as_text=True)
    with app.app_context():
        assert acquire_lease("host:1:abcd", now=now(), seconds=60)
    assert "没有调度器在运行" not in client.get("/admin/articles/").get_data(as_text=True)
