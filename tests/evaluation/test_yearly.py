"""The yearly website report (政府网站工作年度报表): the platform's figures count the year and only the year; an editor
prepares it and enters the rest, a publisher publishes it (not before it is signed), the public and the city portal
read it, and another site never sees it."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.content.models import Article
from core.privacy.crypto import lookup_hash
from core.disclosure.models import DisclosureCategory
from core.disclosure.operations import ensure_default_categories
from core.duties.models import DutyAssignment
from core.evaluation.visits_models import VisitDay
from core.evaluation.yearly import report_for_year
from core.evaluation.yearly_figures import compute_figures
from core.evaluation.yearly_models import WebsiteReport
from core.extensions import db
from core.interaction.models import Letter
from core.security.models import SecurityFinding
from core.sections.queries import site_sections
from core.services.models import ServiceItem
from core.timeutil import now
from jobs.models import JobRun
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, post_form

YEAR = now().year - 1  # the year whose report is owed now
SIGNED = {"head": "张局长", "reviewer": "李科长", "preparer": "王小明", "contact_phone": "0316-2012345"}


def _published(section_id: int, title: str, moment: datetime, **fields) -> Article:
    return Article(section_id=section_id, title=title, status="published", published_at=moment,
                   created_at=moment, updated_at=moment, **fields)


def _letter(code: str, received: datetime, replied: datetime | None) -> Letter:
    return Letter(kind="consultation", query_code=code, subject="咨询", body="请问如何办理？", writer_name="王小明",
                  phone="13812345678", phone_hash=lookup_hash("13812345678", "letter.phone"), text_hash=code,
                  status="replied" if replied else "assigned", received_at=received, first_received_at=received,
                  due_on=(received + timedelta(days=7)).date(), reply_days=5, replied_at=replied, closed_at=replied,
                  reply="答复" if replied else "")


def _finding(key: str, first_seen: datetime, resolved: datetime | None) -> SecurityFinding:
    return SecurityFinding(rule="content.broken_links", object_key=key, severity="medium",
                           state="resolved" if resolved else "open", first_seen_at=first_seen,
                           last_seen_at=resolved or first_seen, resolved_at=resolved)


def _plant_year(app, site) -> None:
    """Rows in YEAR, and rows just outside it on either side (which no figure may count)."""
    first, last = datetime(YEAR, 1, 1, 0, 0), datetime(YEAR, 12, 31, 23, 59)
    before, after = datetime(YEAR - 1, 12, 31, 23, 59), datetime(YEAR + 1, 1, 1, 0, 0)
    with app.app_context():
        ensure_default_categories()
        db.session.commit()
        category = db.session.execute(select(DisclosureCategory)).scalars().first()
        with activate_tenant(site.id):
            by_key = {s.mandatory_key or s.slug: s for s in site_sections()}
            news, column = by_key["news"].id, by_key["disclosure"].id
            db.session.add_all([
                _published(news, "年初动态", first), _published(news, "年中动态", datetime(YEAR, 6, 30, 12)),
                _published(news, "年末动态", last), _published(news, "上年动态", before),
                _published(news, "次年动态", after),
                _published(news, "已撤下的动态", datetime(YEAR, 5, 1), expires_at=datetime(YEAR, 5, 2)),
                _published(column, "公开目录信息", datetime(YEAR, 3, 1), disclosure_category_id=category.id),
                VisitDay(day=date(YEAR, 1, 1), unique_visitors=10, page_views=30),
                VisitDay(day=date(YEAR, 12, 31), unique_visitors=5, page_views=12),
                VisitDay(day=date(YEAR - 1, 12, 31), unique_visitors=1000, page_views=1000),
                VisitDay(day=date(YEAR + 1, 1, 1), unique_visitors=1000, page_views=1000),
                _letter("QYEAR1", datetime(YEAR, 3, 2, 9), datetime(YEAR, 3, 6, 9)),
                _letter("QYEAR2", datetime(YEAR, 11, 2, 9), None),
                _letter("QNEXT1", datetime(YEAR + 1, 1, 5, 9), None),
                _finding("a", datetime(YEAR, 2, 1), datetime(YEAR, 2, 3)),
                _finding("b", datetime(YEAR, 9, 1), None),
                _finding("c", datetime(YEAR - 1, 12, 1), datetime(YEAR, 1, 10)),  # fixed in the year, found before
                ServiceItem(code="Y-1", name="全程网办事项", kind="licensing", online_level="online",
                            published_guide=json.dumps({"online_level": "online"})),
                ServiceItem(code="Y-2", name="窗口事项", kind="public_service", online_level="in_person",
                            published_guide=json.dumps({"online_level": "in_person"})),
                ServiceItem(code="Y-3", name="已取消事项", kind="public_service", catalogue_status="removed"),
                ServiceItem(code="Y-4", name="尚未发布的事项", kind="public_service"),
            ])
            db.session.commit()
        db.session.add_all([JobRun(job_id="security.daily", started_at=moment, finished_at=moment, outcome=outcome,
                                   error=error)
                            for moment, outcome, error in (
                                (datetime(YEAR, 2, 20, 3), "success", ""),  # before the site existed
                                (datetime(YEAR, 4, 1, 3), "success", ""),
                                (datetime(YEAR, 4, 2, 3), "partial", "[other]\nTraceback …"),
                                (datetime(YEAR, 4, 3, 3), "failure", ""),
                                (datetime(YEAR, 4, 4, 3), "partial", f"[{site.slug}]\nTraceback …"),  # failed here
                                (after + timedelta(hours=3), "success", ""))])
        db.session.get(Tenant, site.id).created_at = datetime(YEAR, 3, 1)
        db.session.commit()


def test_the_figures_count_the_year_and_only_the_year(app, create_site):
    site = create_site("yearly")
    _plant_year(app, site)
    with app.app_context(), activate_tenant(site.id):
        tenant = db.session.get(Tenant, site.id)
        tenant.site_code, tenant.icp_record, tenant.sponsor_zh = "1310000099", "冀ICP备05000128号-9", "廊坊市测试局"
        db.session.add(DutyAssignment(duty="security", responsible_id=None))
        db.session.commit()
        figures = compute_figures(YEAR)
    assert (figures["unique_visitors"], figures["page_views"]) == (15, 42)
    # 1 January 00:00 and 31 December 23:59 are in, and so is the item that expired in May: it was published.
    assert figures["news_items"] == 4
    assert figures["items_total"] == 5 and figures["catalogue_items"] == 1
    assert (figures["letters_received"], figures["letters_answered"]) == (2, 1)
    assert figures["letters_average_days"] is not None and figures["letters_average_days"] > 0
    assert (figures["security_checks"], figures["findings_found"], figures["findings_fixed"]) == (2, 2, 2)
    assert figures["monitoring"] is True
    assert figures["security_officer"] is False  # the duty exists but nobody answers for it
    # The removed item and the one whose guide was never published are not the public's catalogue.
    assert (figures["service_items"], figures["online_items"], figures["catalogue_published"]) == (2, 1, True)
    assert (figures["site_code"], figures["icp_record"], figures["sponsor"]) == ("1310000099", "冀ICP备05000128号-9",
                                                                              "廊坊市测试局")
    assert figures["site_kind"] == "department" and figures["home_url"].startswith("http://yearly.")


def _prepare(client) -> str:
    response = post_form(client, "/admin/website-reports/", {"year": str(YEAR)})
    assert response.status_code == 302
    return response.headers["Location"]


def _report_id(app, site) -> int:
    with app.app_context(), activate_tenant(site.id):
        return report_for_year(YEAR).id


def test_an_editor_prepares_a_publisher_publishes_and_the_public_and_portal_read_it(
        app, two_sites, signed_in, client_for):
    rsj, czj, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    editor.set_language("en")
    home = editor.get("/admin/").get_data(as_text=True)
    assert f"Yearly website report {YEAR}" in home and "Not prepared yet." in home  # the admin home's card
    index = editor.get("/admin/website-reports/").get_data(as_text=True)
    assert f"{YEAR + 1} so far" in index and "Unique visitors" in index  # this year's figures, counted to date
    edit_path = _prepare(editor)
    page = editor.get(edit_path).get_data(as_text=True)
    assert "Unique visitors" in page and "Being prepared" in page
    assert client_for(rsj.host).get(f"/website-report/{YEAR}").status_code == 404  # a draft is not public

    # What the office types comes back with the problem named, and nothing is kept.
    token = csrf_token(page)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    bad = editor.post(edit_path, data={"csrf_token": token, "version": version, "weibo_posts": "-3",
                                       "wechat_name": "廊坊人事\u202e", "head": "张局长"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Number must be between 0 and" in html
    assert "reverses the reading direction" in html
    assert 'value="张局长"' in html
    with app.app_context(), activate_tenant(rsj.id):
        assert json.loads(report_for_year(YEAR).manual) == {}

    # An editor cannot publish; a publisher cannot before the report is signed.
    assert editor.post(f"{edit_path}/publish", data={"csrf_token": token, "version": version}).status_code == 403
    publisher, _ = signed_in(rsj.host, "zhao.publisher", site=rsj, roles=["publisher"])
    publisher.set_language("en")
    publisher.post(f"{edit_path}/publish", data={"csrf_token": csrf_token(publisher.get(edit_path).get_data(
        as_text=True)), "version": version})
    with app.app_context(), activate_tenant(rsj.id):
        assert report_for_year(YEAR).status == "draft"

    saved = post_form(editor, edit_path, {"version": version, **SIGNED, "weibo_posts": "1200", "drills": "yes"})
    assert saved.status_code == 302
    page = publisher.get(edit_path).get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    published = publisher.post(f"{edit_path}/publish", data={"csrf_token": csrf_token(page), "version": version})
    assert published.status_code == 302
    with app.app_context(), activate_tenant(rsj.id):
        found = report_for_year(YEAR)
        assert found.status == "published" and json.loads(found.manual)["weibo_posts"] == 1200
        actions = [e.action for e in db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
                   if e.action.startswith("website_report.")]
    assert actions == ["website_report.create", "website_report.save", "website_report.publish"]

    public = client_for(rsj.host)
    public.set_language("zh_CN")
    html = public.get(f"/website-report/{YEAR}").get_data(as_text=True)
    assert "独立用户访问总量" in html and "张局长" in html and "1,200" in html
    assert f"/website-report/{YEAR}" in public.get("/website-report/").get_data(as_text=True)
    portal = client_for("localhost")
    portal.set_language("en")
    listing = portal.get(f"/website-reports?year={YEAR}").get_data(as_text=True)
    published_part, missing_part = listing.split('id="missing"')
    assert f"{rsj.host}" in published_part and czj.name_en not in published_part
    assert czj.name_en in missing_part
    # A published report is read as published: it cannot be counted again or changed without withdrawing it.
    refused = post_form(editor, edit_path, {"version": str(int(version) + 1), **SIGNED, "weibo_posts": "5"})
    assert refused.status_code == 200 and "withdraw it first" in refused.get_data(as_text=True)

    # Withdrawing needs a reason; then the report is off the site and counted missing.
    page = publisher.get(edit_path).get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    no_reason = publisher.post(f"{edit_path}/withdraw", data={"csrf_token": csrf_token(page), "version": version,
                                                              "reason": "  "})
    assert no_reason.status_code == 200 and "This field is required." in no_reason.get_data(as_text=True)
    withdrawn = publisher.post(f"{edit_path}/withdraw", data={"csrf_token": csrf_token(page), "version": version,
                                                              "reason": "微博发布量填错"})
    assert withdrawn.status_code == 302
    assert client_for(rsj.host).get(f"/website-report/{YEAR}").status_code == 404


def test_another_site_never_sees_the_report(app, two_sites, signed_in):
    rsj, czj, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    _prepare(editor)
    report_id = _report_id(app, rsj)
    other, _ = signed_in(czj.host, "zhao.admin", site=czj, roles=["site_admin", "editor", "publisher"])
    assert other.get(f"/admin/website-reports/{report_id}").status_code == 404
    page = other.get("/admin/website-reports/").get_data(as_text=True)
    assert f"/admin/website-reports/{report_id}" not in page
    token = csrf_token(page)
    for action in ("generate", "publish", "withdraw"):
        response = other.post(f"/admin/website-reports/{report_id}/{action}",
                              data={"csrf_token": token, "version": "1", "reason": "x"})
        assert response.status_code == 404, action


def test_two_saves_from_pages_opened_together_keep_the_first(app, two_sites, signed_in):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    editor.set_language("en")
    edit_path = _prepare(editor)
    page = editor.get(edit_path).get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    first = editor.post(edit_path, data={"csrf_token": csrf_token(page), "version": version, "head": "张局长"})
    second = editor.post(edit_path, data={"csrf_token": csrf_token(page), "version": version, "head": "李局长"})
    assert first.status_code == 302 and second.status_code == 200
    assert "Someone changed this report after you opened it" in second.get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        assert json.loads(db.session.execute(select(WebsiteReport.manual)).scalar_one())["head"] == "张局长"


def test_only_finished_years_from_the_template_on(app, two_sites, signed_in, client_for):
    rsj, _, _ = two_sites
    editor, _ = signed_in(rsj.host, "wang.editor", site=rsj, roles=["editor"])
    for year in (str(YEAR + 1), "2016", "２０２５", "99999999999999999999"):
        response = post_form(editor, "/admin/website-reports/", {"year": year})
        assert response.status_code == 200, year
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(WebsiteReport)).first() is None
    public = client_for(rsj.host)
    for path in (f"/website-report/{YEAR + 1}", "/website-report/2016", "/website-report/99999999999999999999"):
        assert public.get(path).status_code == 404, path
    assert client_for("localhost").get(f"/website-reports?year={YEAR + 1}").status_code == 404
