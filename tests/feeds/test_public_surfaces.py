"""What the public never reads, on any of its surfaces: a report (举报) is never published, even when a row says
it is (an archive, or data from before the rule); public consultations (意见征集) are pages for the sitemap."""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from core.extensions import db
from core.timeutil import now
from tenants.scoping import activate_tenant
from tests.feeds.test_sitemaps import SITEMAP, document, paths

REPORT_SUBJECT = "举报某人才中介违规收取押金"
REPORT_WORDS = "收取押金"  # what a visitor searches for (a page may repeat the words searched, never the report)
REPORT_REPLY = "已转监察室调查处理"


def shows_the_report(response) -> bool:
    text = response.get_data(as_text=True)
    return REPORT_SUBJECT in text or REPORT_REPLY in text or "押金一千元" in text


@pytest.fixture
def letters_city(app, two_sites, create_account):
    """rsj with a published consultation letter, and a report whose row says it is published."""
    rsj, czj, articles = two_sites
    officer = create_account("officer", site=rsj, roles=["interaction_officer"])
    with app.app_context(), activate_tenant(rsj.id):
        from core.auth.models import User
        from core.interaction import letters
        from core.interaction.models import PublishedLetter
        from core.interaction.queries_letters import published_of

        actor = db.session.get(User, officer.id)
        asked, _ = letters.submit_letter("consultation", subject="关于社保转移的咨询", body="请问如何办理？",
                                         writer_name="王小明", phone="13812345678", may_publish=True)
        db.session.flush()
        letters.reply(asked, actor=actor, text="请到窗口办理。", office="办公室")
        shown = letters.publish_letter(asked, actor=actor, subject="关于社保转移的咨询", body="请问如何办理？",
                                       reply_text="请到窗口办理。")
        report, _ = letters.submit_letter("report", subject=REPORT_SUBJECT, body="该机构向求职者收取押金一千元。",
                                          writer_name="李四", phone="13912345678", may_publish=True)
        db.session.flush()
        letters.reply(report, actor=actor, text=f"{REPORT_REPLY}。", office="监察室")
        assert report.may_publish is False  # a report is never offered for publication
        with pytest.raises(letters.LetterError):
            letters.publish_letter(report, actor=actor, subject=REPORT_SUBJECT, body="…", reply_text="…")
        # As an imported archive or a database from before the rule could hold it: a row saying it is published.
        hidden = PublishedLetter(letter_id=report.id, kind="report", subject=REPORT_SUBJECT,
                                 body="该机构向求职者收取押金一千元。", reply=f"{REPORT_REPLY}。",
                                 reply_office="监察室", received_on=now().date(), replied_on=now().date(),
                                 published_at=now() - timedelta(minutes=5))
        db.session.add(hidden)
        db.session.commit()
        assert published_of(report) is not None  # the officers still see it, and can take it off
        ids = {"shown": shown.id, "hidden": hidden.id}
    return rsj, czj, ids


def test_a_report_is_on_no_public_surface_even_when_a_row_says_it_is_published(app, letters_city, client_for):
    from core.search.indexing import reindex_site

    rsj, _czj, ids = letters_city
    site, portal = client_for(rsj.host), client_for("localhost")
    # The sitemap lists the published letter, not the report.
    found = paths(document(site, "/sitemap.xml", SITEMAP), rsj.host)
    assert f"/interaction/letters/{ids['shown']}" in found
    assert f"/interaction/letters/{ids['hidden']}" not in found
    # Its page is not found; the letters' pages, the interaction section and the home page do not show it.
    assert site.get(f"/interaction/letters/{ids['hidden']}").status_code == 404
    for path in ("/interaction/letters", "/interaction/letters?kind=report", f"/interaction/letters?q={REPORT_WORDS}",
                 "/sections/interaction/", "/"):
        response = site.get(path)
        assert response.status_code == 200, path
        assert not shows_the_report(response), path
    assert "关于社保转移的咨询" in site.get("/interaction/letters").get_data(as_text=True)
    # Search, on the site and across the city, as written at the change and as rebuilt from scratch.
    for rebuilt in (False, True):
        if rebuilt:
            with app.app_context():
                reindex_site(rsj.id)
                db.session.commit()
        for client in (site, portal):
            results = client.get(f"/search?q={REPORT_WORDS}")
            assert results.status_code == 200
            assert not shows_the_report(results), (client.host, rebuilt)
        assert f"/interaction/letters/{ids['shown']}" in site.get("/search?q=社保转移").get_data(as_text=True)
        assert f"/interaction/letters/{ids['hidden']}" not in site.get(f"/search?q={REPORT_WORDS}").get_data(
            as_text=True)
    # The daily security checks read the published letters as the public does: not the report.
    with app.app_context(), activate_tenant(rsj.id):
        from core.interaction.queries_letters import published_texts

        assert {text.id for text in published_texts()} == {ids["shown"]}
    # Feeds and the open-data API carry articles alone: nothing of it either.
    for client, path in ((site, "/feeds/news.atom"), (site, "/sections/news/feed.atom"),
                         (site, "/api/v1/articles?per_page=100"), (portal, "/api/v1/articles?per_page=100"),
                         (portal, "/sitemap.xml")):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not shows_the_report(response), path


@pytest.fixture
def consultations(app, two_sites, create_account):
    """rsj's consultations: one taking opinions, one still a draft, one withdrawn before it opened."""
    rsj, _czj, _articles = two_sites
    officer = create_account("consulter", site=rsj, roles=["editor", "publisher"])
    today = now().date()
    with app.app_context(), activate_tenant(rsj.id):
        from core.auth.models import User
        from core.interaction import consultations as ops

        actor = db.session.get(User, officer.id)

        def made(title: str, opens: date, closes: date):
            return ops.create_consultation(actor=actor, title=title, office="政策法规科", open_on=opens,
                                           close_on=closes, body_html="<p>征求意见稿正文。</p>", how_to="")

        open_now = made("关于人才引进办法的征求意见", today - timedelta(days=2), today + timedelta(days=20))
        draft = made("尚未发布的征求意见稿", today + timedelta(days=1), today + timedelta(days=30))
        withdrawn = made("已撤回的征求意见稿", today + timedelta(days=3), today + timedelta(days=25))
        for consultation in (open_now, withdrawn):
            ops.publish_consultation(consultation, actor=actor)
        ops.withdraw_consultation(withdrawn, actor=actor, reason="草案需要修改")
        db.session.commit()
        return rsj, {"open": open_now.id, "draft": draft.id, "withdrawn": withdrawn.id}


def test_published_consultations_are_in_the_sitemap(consultations, client_for):
    rsj, ids = consultations
    client = client_for(rsj.host)
    entries = document(client, "/sitemap.xml", SITEMAP)
    found = paths(entries, rsj.host)
    assert {"/consultations/", f"/consultations/{ids['open']}"} <= found
    assert f"/consultations/{ids['draft']}" not in found and f"/consultations/{ids['withdrawn']}" not in found
    for loc, lastmod in entries.items():
        if urlsplit(loc).path.startswith("/consultations/"):
            assert lastmod is not None, loc  # dated: its publication, or its window's opening
            assert client.get(urlsplit(loc).path).status_code == 200, loc
