"""The yearly website report and the queued snapshot tried as an attacker and a careful reader would: every field
with bad input, two people at once, the workflow's edges, the counted figures' meaning, who may read what."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.content.models import Article
from core.disclosure.models import DisclosureCategory
from core.disclosure.operations import ensure_default_categories
from core.evaluation.models import SnapshotRequest
from core.evaluation.operations import request_snapshots
from core.evaluation.snapshots import ABANDONED_AFTER
from core.evaluation.yearly import report_for_year
from core.evaluation.yearly_figures import compute_figures
from core.extensions import db
from core.interaction.models import Mailbox
from core.interaction.models_consultations import Consultation, Opinion
from core.interaction.queries_consultations import received_count
from core.sections.queries import site_sections
from core.timeutil import now
from jobs.models import JobRun
from jobs.runs import run_job
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form

YEAR = now().year - 1
SIGNED = {"head": "张局长", "reviewer": "李科长", "preparer": "王小明", "contact_phone": "0316-2012345"}


def _version(page: str) -> str:
    return page.split('name="version" type="hidden" value="')[1].split('"')[0]


def _prepare(client) -> str:
    response = post_form(client, "/admin/website-reports/", {"year": str(YEAR)})
    assert response.status_code == 302
    return response.headers["Location"]


def _manual(app, site) -> dict:
    with app.app_context(), activate_tenant(site.id):
        return json.loads(report_for_year(YEAR).manual)


# --- 2. bad input on every field of the edit page -------------------------------------------------------------

BAD_COUNTS = ["-3", "１２", "²", "1.5", "abc", "1e3", "1_000", "99999999999999999999", "NaN", "0x10", "9" * 5000]
BAD_TEXTS = ["x" * 101, "a\x00b", "a\x07b", "abc\u202egpj.exe", "line\nbreak"]


@pytest.mark.parametrize("value", BAD_COUNTS)
def test_bad_counts_are_named_and_kept(app, two_sites, signed_in, value):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    editor.set_language("en")
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    response = editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page),
                                       "weibo_posts": value, "head": "张局长"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200, value
    assert 'id="weibo_posts-errors"' in body, value
    assert 'value="张局长"' in body
    assert _manual(app, rsj) == {}


@pytest.mark.parametrize("value", BAD_TEXTS)
def test_bad_texts_are_named(app, two_sites, signed_in, value):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    editor.set_language("en")
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    response = editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page),
                                       "wechat_name": value})
    assert response.status_code == 200
    assert 'id="wechat_name-errors"' in response.get_data(as_text=True)
    assert _manual(app, rsj) == {}


@pytest.mark.parametrize("value", ["maybe", "1", "true", "\x00"])
def test_unknown_yes_no(app, two_sites, signed_in, value):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    response = editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page), "drills": value})
    assert response.status_code == 200
    assert _manual(app, rsj) == {}


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", "１", ""])
def test_junk_versions_are_refused_as_stale(app, two_sites, signed_in, value):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    editor.set_language("en")
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    response = editor.post(path, data={"csrf_token": csrf_token(page), "version": value, "head": "张"})
    assert response.status_code == 200
    assert "Someone changed this report" in response.get_data(as_text=True)
    assert _manual(app, rsj) == {}


def test_a_version_with_a_control_character_is_refused_with_a_message(app, two_sites, signed_in):
    """A hidden version nobody typed that cannot be read: nothing saved, and the page says the report changed."""
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    editor.set_language("en")
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    response = editor.post(path, data={"csrf_token": csrf_token(page), "version": "1\x00", "head": "张"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and _manual(app, rsj) == {}
    assert 'class="errors"' in body, "nothing on the page says why nothing was saved"


def test_script_in_text_is_escaped_on_the_public_page(app, two_sites, signed_in, client_for):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    publisher, _ = signed_in(rsj.host, "zhao.publisher", site=rsj, roles=["publisher"])
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    evil = "<script>alert(1)</script>"
    assert editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page), **SIGNED,
                                   "other_media": evil, "head": '"><img src=x onerror=alert(1)>'}).status_code == 302
    page = publisher.get(path).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert publisher.post(f"{path}/publish", data={"csrf_token": csrf_token(page),
                                                   "version": _version(page)}).status_code == 302
    public = client_for(rsj.host).get(f"/website-report/{YEAR}").get_data(as_text=True)
    assert "<script>alert(1)" not in public and "&lt;script&gt;" in public and "<img src=x" not in public


# --- 3. workflow ---------------------------------------------------------------------------------------------

def test_saving_again_after_a_stale_refusal_is_refused_again(app, two_sites, signed_in):
    """A opens the page; B saves; A's save is refused as stale. The refusal keeps the version A opened, so pressing
    Save again on it is refused again instead of writing over B's change."""
    rsj, _, _ = two_sites
    a, _ = signed_in(rsj.host, "a.editor", site=rsj, roles=["editor"])
    b, _ = signed_in(rsj.host, "b.editor", site=rsj, roles=["editor"])
    a.set_language("en")
    path = _prepare(a)
    page_a = a.get(path).get_data(as_text=True)
    page_b = b.get(path).get_data(as_text=True)
    assert b.post(path, data={"csrf_token": csrf_token(page_b), "version": _version(page_b), **SIGNED,
                              "weibo_posts": "1200"}).status_code == 302
    refused = a.post(path, data={"csrf_token": csrf_token(page_a), "version": _version(page_a), "head": "A的局长"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Someone changed this report" in body
    # The user presses Save again on the page the refusal drew (as the message does not say to reload):
    again = a.post(path, data={"csrf_token": csrf_token(body), "version": _version(body), "head": "A的局长"})
    manual = _manual(app, rsj)
    assert manual.get("weibo_posts") == 1200, (again.status_code, manual)  # B's change must not be lost


def test_nobody_publishes_a_report_they_last_changed(app, two_sites, signed_in):
    """When the site forbids reviewing one's own work (the default), the person who last changed the report does not
    publish it; another publisher does."""
    rsj, _, _ = two_sites
    solo, _ = signed_in(rsj.host, "solo", site=rsj, roles=["editor", "publisher"])
    path = _prepare(solo)
    page = solo.get(path).get_data(as_text=True)
    saved = solo.post(path, data={"csrf_token": csrf_token(page), "version": _version(page), **SIGNED})
    assert saved.status_code == 302
    page = solo.get(path).get_data(as_text=True)
    solo.post(f"{path}/publish", data={"csrf_token": csrf_token(page), "version": _version(page)})
    with app.app_context(), activate_tenant(rsj.id):
        assert report_for_year(YEAR).status == "draft", "the same person saved and published it"
    other, _ = signed_in(rsj.host, "zhao.publisher", site=rsj, roles=["publisher"])
    page = other.get(path).get_data(as_text=True)
    assert other.post(f"{path}/publish", data={"csrf_token": csrf_token(page),
                                               "version": _version(page)}).status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        assert report_for_year(YEAR).status == "published"


def test_workflow_edges(app, two_sites, signed_in, client_for):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    publisher, _ = signed_in(rsj.host, "zhao.publisher", site=rsj, roles=["publisher"])
    editor.set_language("en")
    publisher.set_language("en")
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    token = csrf_token(page)
    # (withdrawing a draft: see test_a_refused_withdraw_says_why)
    assert editor.post(path, data={"csrf_token": token, "version": _version(page), **SIGNED}).status_code == 302
    page = publisher.get(path).get_data(as_text=True)
    version = _version(page)
    first = publisher.post(f"{path}/publish", data={"csrf_token": csrf_token(page), "version": version})
    second = publisher.post(f"{path}/publish", data={"csrf_token": csrf_token(page), "version": version})
    assert first.status_code == 302 and second.status_code == 302
    # published: regenerate refused, edit refused, editor cannot withdraw
    assert editor.post(f"{path}/generate", data={"csrf_token": token}).status_code == 302
    assert editor.post(f"{path}/withdraw", data={"csrf_token": token, "version": "3", "reason": "x"}).status_code == 403
    page = publisher.get(path).get_data(as_text=True)
    version = _version(page)
    long = publisher.post(f"{path}/withdraw", data={"csrf_token": csrf_token(page), "version": version,
                                                    "reason": "长" * 501})
    assert long.status_code == 200 and "長" not in long.get_data(as_text=True)
    assert "长" * 501 in long.get_data(as_text=True)  # the typed reason is kept
    nul = publisher.post(f"{path}/withdraw", data={"csrf_token": csrf_token(page), "version": version,
                                                   "reason": "a\x00b"})
    assert nul.status_code == 200
    with app.app_context(), activate_tenant(rsj.id):
        assert report_for_year(YEAR).status == "published"
    assert client_for(rsj.host).get(f"/website-report/{YEAR}").status_code == 200


def test_a_refused_withdraw_says_why(app, two_sites, signed_in):
    """Two publishers open the published report; one withdraws it; the other's withdraw is refused, and the page
    says why."""
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    p1, _ = signed_in(rsj.host, "pub.one", site=rsj, roles=["publisher"])
    p2, _ = signed_in(rsj.host, "pub.two", site=rsj, roles=["publisher"])
    p2.set_language("en")
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page), **SIGNED})
    page = p1.get(path).get_data(as_text=True)
    published = p1.post(f"{path}/publish", data={"csrf_token": csrf_token(page), "version": _version(page)})
    assert published.status_code == 302
    page1, page2 = p1.get(path).get_data(as_text=True), p2.get(path).get_data(as_text=True)
    assert p1.post(f"{path}/withdraw", data={"csrf_token": csrf_token(page1), "version": _version(page1),
                                             "reason": "错了"}).status_code == 302
    second = p2.post(f"{path}/withdraw", data={"csrf_token": csrf_token(page2), "version": _version(page2),
                                               "reason": "也错了"})
    body = second.get_data(as_text=True)
    assert second.status_code == 200
    assert "is not published" in body or "Someone changed this report" in body, "refused without a word"


# --- 4. public pages ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["abc", "２０２５", "2016", "-5", "0", "99999999999999999999999", "2024.0", " 2024",
                                   "2024 ", "1e3"])
def test_portal_junk_years_are_404(two_sites, client_for, query):
    assert client_for("localhost").get("/website-reports", query_string={"year": query}).status_code == 404


@pytest.mark.parametrize("path", ["/website-report/0", "/website-report/-1", "/website-report/9" + "9" * 30,
                                  "/website-report/２０２５", "/website-report/abc", "/website-report/2024.0"])
def test_public_junk_years(two_sites, client_for, path):
    rsj, _, _ = two_sites
    assert client_for(rsj.host).get(path).status_code == 404


def test_portal_year_with_nul_is_400(two_sites, client_for):
    assert client_for("localhost").get("/website-reports?year=%00").status_code == 400


def test_the_portal_never_names_a_draft(app, two_sites, signed_in, client_for):
    rsj, czj, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page), **SIGNED})
    portal = client_for("localhost")
    portal.set_language("en")
    listing = portal.get(f"/website-reports?year={YEAR}").get_data(as_text=True)
    assert "张局长" not in listing and "Being prepared" not in listing
    assert f"{rsj.host}/website-report/{YEAR}" not in listing
    # the other site's public page: 404, and its list empty
    assert client_for(czj.host).get(f"/website-report/{YEAR}").status_code == 404


# --- 5. the figures -----------------------------------------------------------------------------------------

def test_catalogue_entries_are_counted_on_the_totals_basis(app, create_site):
    """The catalogue entries are counted as the totals are, by when they went up: an entry numbered in YEAR but
    published in January of the next year is in neither."""
    site = create_site("fig")
    with app.app_context():
        ensure_default_categories()
        db.session.commit()
        category = db.session.execute(select(DisclosureCategory)).scalars().first()
        with activate_tenant(site.id):
            column = next(s for s in site_sections() if s.mandatory_key == "disclosure").id
            moment = datetime(YEAR + 1, 1, 3, 9)
            article = Article(section_id=column, title="公开目录信息", status="published", published_at=moment,
                              created_at=moment, updated_at=moment, disclosure_category_id=category.id)
            db.session.add(article)
            db.session.flush()
            article.index_year = YEAR  # numbered in YEAR, withdrawn, published again in January
            db.session.commit()
            figures = compute_figures(YEAR)
    assert figures["catalogue_items"] <= figures["items_total"], figures


def test_an_item_withdrawn_after_the_year_counts_in_every_line(app, create_site):
    """An item filed and public all of YEAR, withdrawn on 5 January: published in YEAR, in the total and in the
    catalogue line alike."""
    site = create_site("fig2")
    with app.app_context():
        ensure_default_categories()
        db.session.commit()
        category = db.session.execute(select(DisclosureCategory)).scalars().first()
        with activate_tenant(site.id):
            column = next(s for s in site_sections() if s.mandatory_key == "disclosure").id
            moment = datetime(YEAR, 3, 1, 9)
            db.session.add(Article(section_id=column, title="公开目录信息", status="withdrawn", published_at=moment,
                                   created_at=moment, updated_at=moment, disclosure_category_id=category.id,
                                   withdrawn_at=datetime(YEAR + 1, 1, 5)))
            db.session.commit()
            figures = compute_figures(YEAR)
    assert (figures["items_total"], figures["catalogue_items"]) == (1, 1), figures


def test_an_item_published_in_the_year_counts_though_it_expired(app, create_site):
    """信息发布总数 is how many items were published in the year: one published in May that expired in June counts."""
    site = create_site("fig3")
    with app.app_context(), activate_tenant(site.id):
        news = next(s for s in site_sections() if s.mandatory_key == "news").id
        moment = datetime(YEAR, 5, 1, 9)
        db.session.add(Article(section_id=news, title="限时通知", status="published", published_at=moment,
                               created_at=moment, updated_at=moment, expires_at=datetime(YEAR, 6, 1)))
        db.session.commit()
        figures = compute_figures(YEAR)
    assert figures["items_total"] == 1 and figures["news_items"] == 1, figures


def test_opinions_set_aside_are_not_counted(app, create_site):
    """收到意见数量 counts opinions as the site's public page does: those set aside (spam, off the subject) not."""
    site = create_site("fig4")
    with app.app_context(), activate_tenant(site.id):
        c = Consultation(title="征求意见稿", open_on=date(YEAR, 3, 1), close_on=date(YEAR, 3, 31),
                         status="published", published_at=datetime(YEAR, 3, 1))
        db.session.add(c)
        db.session.flush()
        db.session.add_all([Opinion(consultation_id=c.id, body="好", decision="adopted"),
                            Opinion(consultation_id=c.id, body="广告", decision="set_aside"),
                            Opinion(consultation_id=c.id, body="广告", decision="set_aside")])
        db.session.commit()
        figures = compute_figures(YEAR)
        public = received_count(c.id)
    assert figures["opinions"] == public == 1, (figures["opinions"], public)


def test_security_checks_count_from_the_sites_creation(app, create_site):
    """安全检测评估次数 counts the checks run on the site: a site created on 20 December had at most one."""
    with app.app_context():
        db.session.add_all([JobRun(job_id="security.daily", started_at=datetime(YEAR, m, 1, 3),
                                   finished_at=datetime(YEAR, m, 1, 3, 5), outcome="success") for m in range(1, 13)])
        db.session.commit()
    site = create_site("late")
    with app.app_context():
        from tenants.models import Tenant
        tenant = db.session.get(Tenant, site.id)
        tenant.created_at = datetime(YEAR, 12, 20)
        db.session.commit()
        with activate_tenant(site.id):
            figures = compute_figures(YEAR)
    assert figures["security_checks"] <= 1, figures["security_checks"]


def test_the_unified_platform_line_reads_the_mailboxes(app, create_site):
    """是否使用统一平台 reads the site's mailboxes: with every mailbox closed it says no."""
    site = create_site("fig5")
    with app.app_context(), activate_tenant(site.id):
        from core.interaction.models import MAILBOX_KINDS
        db.session.add_all([Mailbox(kind=k, enabled=False) for k in MAILBOX_KINDS])
        db.session.commit()
        figures = compute_figures(YEAR)
    assert figures["unified_platform"] is False


def test_entered_of_which_lines_may_not_exceed_their_totals(app, two_sites, signed_in):
    """其中：自然人办件量 + 法人办件量 may not exceed 办件量总数, nor 答复网民提问数量 exceed 网民留言数量."""
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    response = editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page),
                                       "applications_people": "500", "applications_bodies": "500",
                                       "interview_messages": "1", "interview_answers": "900"})
    assert response.status_code == 200, "a total of 0 applications with 1,000 'of which' was kept"


# --- leak of counted figures to a collector -----------------------------------------------------------------

def test_a_collector_does_not_read_the_report(app, two_sites, signed_in):
    """The report and this year's figures show visits, letters and security problems: not to a collector."""
    rsj, _, _ = two_sites
    collector, _ = signed_in(rsj.host, "li.collector", site=rsj, roles=["collector"])
    collector.set_language("en")
    assert collector.get("/admin/visits").status_code in (403, 404)
    assert collector.get("/admin/website-reports/").status_code == 403


# --- units: the docstring of shown_value says "a count with its unit" ---------------------------------------

def test_counts_carry_their_units_in_chinese(app, two_sites, signed_in, client_for):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    publisher, _ = signed_in(rsj.host, "zhao.publisher", site=rsj, roles=["publisher"])
    path = _prepare(editor)
    page = editor.get(path).get_data(as_text=True)
    editor.post(path, data={"csrf_token": csrf_token(page), "version": _version(page), **SIGNED, "weibo_posts": "1200"})
    page = publisher.get(path).get_data(as_text=True)
    publisher.post(f"{path}/publish", data={"csrf_token": csrf_token(page), "version": _version(page)})
    public = client_for(rsj.host)
    public.set_language("zh_CN")
    body = public.get(f"/website-report/{YEAR}").get_data(as_text=True)
    assert re.search(r"1,200\s*条", body), "微博信息发布量 shows its unit 条"


# --- 6. the queued snapshot ---------------------------------------------------------------------------------

def test_a_snapshot_cut_short_is_taken_up_again(app, two_sites, admin, monkeypatch):
    """A snapshot run cut short before it finished (the process killed, an error after the loop) is taken up again
    by a run after `ABANDONED_AFTER`, finished, and the dashboard offers the button again."""
    import core.evaluation.jobs as evaluation_jobs

    with app.app_context():
        request_snapshots(user=None, now=now())
        db.session.commit()

    def crash(*_args, **_kwargs):
        raise RuntimeError("the scheduler stopped here")

    monkeypatch.setattr(evaluation_jobs, "finish_requests", crash)
    with app.app_context():
        assert run_job("evaluation.requested", now=now()).outcome == "failure"
    monkeypatch.undo()
    with app.app_context():
        assert run_job("evaluation.requested", now=now() + timedelta(minutes=1)).outcome == "success"
        assert db.session.execute(select(SnapshotRequest.finished_at)).scalar_one() is None  # still going, maybe
        later = now() + ABANDONED_AFTER + timedelta(minutes=1)
        assert run_job("evaluation.requested", now=later).outcome == "success"
        row = db.session.execute(select(SnapshotRequest)).scalar_one()
        stuck = row.started_at is not None and row.finished_at is None
    admin.set_language("en")
    page = admin.get("/platform/evaluation").get_data(as_text=True)
    assert not stuck and "Take a snapshot of every site now" in page, "stuck: 'being taken now' with no button"


def test_service_items_count_the_published_catalogue(app, create_site):
    """政务服务事项数量 counts the catalogue the public sees: an item whose guide was never published is not in it."""
    from core.services.models import ServiceItem

    site = create_site("svc")
    with app.app_context(), activate_tenant(site.id):
        db.session.add_all([
            ServiceItem(code="P-1", name="已发布事项", kind="licensing", online_level="online",
                        published_guide=json.dumps({"online_level": "online"})),
            ServiceItem(code="D-1", name="草稿事项", kind="licensing", online_level="online"),
        ])
        db.session.commit()
        figures = compute_figures(YEAR)
    assert figures["service_items"] == 1, figures["service_items"]


def test_this_year_so_far_counts_nothing_scheduled_later(app, two_sites, signed_in, create_site):
    """This year so far counts what went up until now: an item scheduled for later this year is not in it."""
    moment = now() + timedelta(hours=1)
    if moment.year != now().year:
        pytest.skip("the last hour of the year: nothing can be scheduled later this year")
    site = create_site("sched")
    with app.app_context(), activate_tenant(site.id):
        news = next(s for s in site_sections() if s.mandatory_key == "news").id
        db.session.add(Article(section_id=news, title="定时发布", status="scheduled", publish_at=moment,
                               created_at=now(), updated_at=now()))
        db.session.commit()
        figures = compute_figures(now().year)
    assert figures["news_items"] == 0, "counted before it went out"
