"""Every route of the app, from the outside: anonymous, another site's people, the wrong role, the right one.

The cases come from `app.url_map` and the rules the routes were registered
with (`core.web.routes.RULES`), so a new route is in this matrix the moment it
exists; a URL parameter this file does not know how to fill fails
`test_every_url_parameter_can_be_filled` (or, for an open route,
`test_every_open_route_says_why_and_can_be_filled`) instead of quietly testing a 404.

What "refused" means:

- a guarded route (it names a permission): anonymous, or with another site's
  session, it sends to the sign-in page; with the wrong role, 403; with
  another site's ids, 404; a change without its form's token, 400;
- an open route (`permission=None`) is open because of what it is, said in
  `OPEN_ROUTES` (the public's pages and forms, the theme's files, the way in,
  a visitor's preferences). It is refused on a host kind it does not serve
  (404), with another site's ids (404), and, for a form, without its token (400).

Every refused request that could change something (any POST) is checked to
have changed nothing: the whole database, read before and after, and the
upload folder (`tests.fixtures.database.fingerprint`).

One world (two sites, everything a URL can name, the people who ask) is made
once for the module, and kept: a refused request changes nothing by the very
thing this file checks, so the next test finds the world as it was. The
database is emptied once, at the end (`world`).
"""
from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core import create_app
from core.auth.models import User
from core.auth.permissions import SITE_PERMISSIONS
from core.content.files import Upload
from core.content.models import Article, Attachment
from core.content.operations import create_article
from core.disclosure.applications import submit_application as submit_disclosure_application
from core.disclosure.defaults import GUIDE_SLUG, REPORTS_SLUG
from core.disclosure.interpretations import link_interpretation
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.models_applications import DisclosureApplicationFile
from core.disclosure.models_report import DisclosureReport
from core.disclosure.operations import ensure_default_categories, ensure_default_subjects
from core.evaluation.yearly_models import WebsiteReport
from core.extensions import db
from core.inbox.operations import deliver
from core.interaction.letters import submit_letter
from core.interaction.models import PublishedLetter
from core.interaction.models_consultations import Consultation, Opinion
from core.search.operations import add_synonyms
from core.sections.models import MandatorySection, Section
from core.sections.operations import add_section
from core.security.models import PlatformSecurityFinding, SecurityFinding
from core.services.applications import submit_application
from core.services.models import (ApplicationFile, CatalogueRequest, ServiceForm, ServiceItem, ServiceMaterial,
                                  ServiceStep)
from core.services.queries_applications import apply_item
from core.timeutil import now
from core.training.operations import add_good_practice, create_material, publish_material
from core.web.routes import HOSTS, RULES
from tenants.catalog import load_catalog
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, make_account, sign_in
from tests.fixtures.database import changed, empty_database, fingerprint
from tests.fixtures.headers import assert_security_headers
from tests.fixtures.sites import make_article, make_two_sites

_app = create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
#: endpoint -> (path pattern, methods), for every route of the app.
ROUTES = {r.endpoint: (r.rule, sorted(r.methods - {"HEAD", "OPTIONS"})) for r in _app.url_map.iter_rules()}
# An endpoint without a rule fails tests/test_structure.py; here it is left out rather than crash the run.
GUARDED = sorted((endpoint, RULES[endpoint]) for endpoint in ROUTES
                 if endpoint in RULES and RULES[endpoint].permission is not None)
OPEN = sorted((endpoint, RULES[endpoint]) for endpoint in ROUTES
              if endpoint in RULES and RULES[endpoint].permission is None)
SITE_ROUTES = [(e, r) for e, r in GUARDED if r.host == "site"]
PLATFORM_ROUTES = [(e, r) for e, r in GUARDED if r.host == "platform"]
ANY_ROUTES = [(e, r) for e, r in GUARDED if r.host == "any"]  # a signed-in person's own pages, on any staff host
ID_ROUTES = [(e, r) for e, r in SITE_ROUTES if "<" in ROUTES[e][0]]
PLATFORM_ID_ROUTES = [(e, r) for e, r in PLATFORM_ROUTES if "<int:" in ROUTES[e][0]]
#: Every route that can change something: the app has no PUT, PATCH or DELETE (test_only_get_and_post).
WRITE_ROUTES = [(e, r) for e, r in GUARDED if "POST" in ROUTES[e][1]]
OPEN_FORMS = [(e, r) for e, r in OPEN if "POST" in ROUTES[e][1]]
PLATFORM = "admin.localhost"
PORTAL = "localhost"
#: A host of each kind, for asking a route where it does not answer.
HOST_OF_KIND = {"site": "rsj.localhost", "platform": PLATFORM, "portal": PORTAL}

#: What each URL parameter of a guarded route is, per host kind: the key of the `world` ids that fills it.
FILLERS = {
    "site": {"user_id": "user_id", "section_id": "section_id", "article_id": "article_id", "item_id": "item_id",
             "material_id": "material_id", "step_id": "step_id", "form_id": "form_id",
             "application_id": "application_id", "file_id": "file_id", "field_key": "field_key",
             "consultation_id": "consultation_id", "opinion_id": "opinion_id", "letter_id": "letter_id",
             "disclosure_application_id": "disclosure_application_id", "disclosure_file_id": "disclosure_file_id",
             "page_id": "column_page_id", "link_id": "interpretation_link_id", "report_id": "disclosure_report_id",
             "finding_id": "finding_id", "website_report_id": "website_report_id",
             # training material is the platform's: "another site's" is one whose audience is that site only
             "training_id": "training_id", "training_file_id": "training_file_id"},
    "platform": {"tenant_id": "tenant_id", "section_id": "mandatory_id", "category_id": "category_id",
                 "user_id": "user_id", "slug": "catalog_slug", "year": "calendar_year", "day": "calendar_day",
                 "request_id": "catalogue_request_id", "subject_id": "subject_id", "training_id": "training_id",
                 "finding_id": "platform_finding_id", "site_finding_id": "site_finding_id",
                 "training_file_id": "training_file_id", "example_id": "example_id",
                 "group_id": "synonym_group_id"},
    # The pages every signed-in person has on any host (their own inbox): another person's message is a 404
    # (tests/inbox), whatever the host.
    "any": {"message_id": "inbox_message_id"},
}

#: Why each open route is open, by kind; a new open route fails the matrix until it is named here.
OPEN_ROUTES = {
    # The public's pages: what a site (or the portal) published, for anyone to read.
    "page": {"public.home", "sections.show", "sections.sitemap", "content.article", "disclosure_public.catalogue",
             "disclosure_applications.guide", "disclosure_applications.receipt", "disclosure_applications.status",
             "disclosure_report.portal_reports", "services_guide.item", "services_applications.receipt",
             "services_applications.status", "interaction_letters.receipt", "interaction_letters.query_letter",
             "interaction_letters.published", "interaction_letters.published_one", "interaction_stats.figures",
             "interaction_consultations.public_list", "search.results", "feeds.news", "feeds.section",
             "feeds.sitemap", "feeds.sitemap_part", "feeds.robots", "api.articles_list", "api.articles_item",
             "api.policies_list", "api.policies_item", "api.disclosure_list", "api.disclosure_item",
             "api.services_list", "api.services_item", "api.sections_list", "api.openapi", "api.guide",
             "website_report.public_index", "website_report.public_report", "website_report.portal_reports"},
    # The public's forms: anyone may apply, write, give an opinion or track what they sent; a POST needs the form's
    # token, and what it tracks needs the tracking code and the phone number it was sent with.
    "form": {"disclosure_applications.apply", "disclosure_applications.track",
             "disclosure_applications.send_clarification", "services_applications.apply",
             "services_applications.track", "services_applications.resubmit_application",
             "services_applications.feedback", "interaction_letters.write", "interaction_letters.query",
             "interaction_letters.query_info", "interaction_letters.query_rating",
             "interaction_consultations.public_detail"},
    # Published files: an article's attachment, a service's blank form, a consultation's draft; and the reply's
    # files, to the applicant whose tracking query found the application only.
    "published file": {"content.attachment", "services_guide.form_file", "interaction_consultations.public_document",
                       "disclosure_applications.reply_file"},
    # The platform's look: the theme's and the editor's files, the tab's icon, a site's logo.
    "look": {"themes.theme_file", "themes.vendor_file", "themes.favicon", "sites.logo"},
    # The way in for staff: the sign-in form, its second step, the console's link into a site (a one-time ticket).
    "sign-in": {"auth.login", "auth.verify", "auth.from_console"},
    # A visitor's preferences: a cookie and a redirect back (`core.i18n.safe_next`).
    "preference": {"i18n.switch_language", "themes.switch_elder_mode"},
    # The page-view image a public page carries behind a shared cache (core.evaluation.visits): counts, sets nothing.
    "statistics": {"visits.beacon"},
}

#: What fills each URL parameter of an open route, per endpoint (a `world` key of the site's ids).
OPEN_FILLERS = {
    "i18n.switch_language": {"code": "language"},
    "themes.theme_file": {"theme": "theme", "filename": "theme_file"},
    "themes.vendor_file": {"filename": "vendor_file"},
    "themes.switch_elder_mode": {"state": "elder_state"},
    "sites.logo": {"filename": "logo_filename"},
    "sections.show": {"slug": "public_section_slug"},
    "feeds.section": {"slug": "public_section_slug"},
    "content.article": {"article_id": "public_article_id"},
    "content.attachment": {"attachment_id": "attachment_id", "filename": "attachment_filename"},
    "disclosure_applications.reply_file": {"file_id": "disclosure_file_id"},
    "services_guide.item": {"item_id": "public_item_id"},
    "services_guide.form_file": {"item_id": "public_item_id", "form_id": "public_form_id",
                                 "filename": "public_form_filename"},
    "services_applications.apply": {"item_id": "public_item_id"},
    "interaction_letters.write": {"kind": "letter_kind"},
    "interaction_letters.published_one": {"published_id": "published_letter_id"},
    "interaction_consultations.public_detail": {"consultation_id": "consultation_id"},
    "interaction_consultations.public_document": {"consultation_id": "consultation_id"},
    "feeds.sitemap_part": {"part": "sitemap_part"},
    "api.articles_item": {"article_id": "public_article_id"},
    "api.policies_item": {"article_id": "policy_id"},
    "api.disclosure_item": {"article_id": "policy_id"},
    "api.services_item": {"item_id": "public_item_id"},
    "website_report.public_report": {"year": "report_year"},
}
#: Open routes that answer a GET with something other than 200 where they answer, and why: {endpoint: code} on
#: every host kind it serves, or {endpoint: {host kind: code}}.
OPEN_NOT_200 = {
    "i18n.switch_language": 302, "themes.switch_elder_mode": 302,  # a cookie, and back
    "themes.favicon": 301,  # the theme's emblem, by the address that carries its version
    "public.home": {"platform": 302},  # the console's front page is its overview
    "auth.verify": 302,  # the second step with no first: back to the sign-in form
    "auth.from_console": 302,  # no ticket: the sign-in form
    "disclosure_applications.receipt": 302, "services_applications.receipt": 302,  # nothing was sent: the form
    "interaction_letters.receipt": 302,
    "disclosure_applications.status": 302, "services_applications.status": 302,  # nothing tracked: the query form
    "interaction_letters.query_letter": 302,
    "disclosure_applications.reply_file": 404,  # only to the applicant whose tracking query found it
    "website_report.public_report": 404,  # the year's report is a draft: unpublished
    "feeds.sitemap_part": {"site": 404},  # a site small enough for one sitemap has no parts
}


def _params(endpoint: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", ROUTES[endpoint][0])


def test_every_url_parameter_can_be_filled():
    unknown = {(endpoint, name) for endpoint, rule in GUARDED for name in _params(endpoint)
               if name not in FILLERS.get(rule.host, {})}
    assert unknown == set(), "teach FILLERS how to fill these, so their routes are really tested"


def test_every_open_route_says_why_and_can_be_filled():
    declared = set().union(*OPEN_ROUTES.values())
    assert {e for e, _ in OPEN} - declared == set(), "say in OPEN_ROUTES why these are open"
    assert declared - {e for e, _ in OPEN} == set(), "these are no longer open routes: take them off OPEN_ROUTES"
    unknown = {(endpoint, name) for endpoint, _ in OPEN for name in _params(endpoint)
               if name not in OPEN_FILLERS.get(endpoint, {})}
    assert unknown == set(), "teach OPEN_FILLERS how to fill these, so their routes are really tested"


def test_the_matrix_covers_the_known_routes():
    endpoints = {e for e, _ in GUARDED}
    assert endpoints >= {"admin.home", "auth.users", "auth.new_user", "auth.user", "sites.settings", "duties.index",
                         "sections.index", "sections.edit", "sections.move", "sections.delete", "audit.index",
                         "publishing.index", "publishing.edit", "sites.platform_index", "sections.platform_edit",
                         "disclosure.platform_categories", "auth.platform_users", "jobs.platform_runs"}
    assert len(WRITE_ROUTES) > 80 and len(OPEN_FORMS) >= 10


def test_only_get_and_post():
    """No route takes PUT, PATCH or DELETE: every change is a POST, so the CSRF cases below see every one."""
    assert {m for _rule, methods in ROUTES.values() for m in methods} <= {"GET", "POST"}


def test_the_json_api_is_read_only():
    """Every route of the open-data API answers GET only: nothing under /api/ can change anything."""
    api = {e: methods for e, (path, methods) in ROUTES.items() if path.startswith("/api/")}
    assert api and all(methods == ["GET"] for methods in api.values()), api


#: Every route that serves a file someone uploaded (the public, a department, the bureau): each answers as a download
#: (`Content-Disposition: attachment`), in a type no browser runs (`core.content.files.DOWNLOAD_TYPES`), unsniffed.
UPLOAD_ROUTES = {"content.attachment", "services_guide.form_file", "interaction_consultations.public_document",
                 "interaction_consultations.admin_document", "interaction_letters.attachment",
                 "services_applications.download", "disclosure_applications.download", "training.download",
                 "training.platform_file",
                 # met here as a 404 only (the applicant's tracking session is tests/disclosure's): it answers
                 # through the same function as disclosure_applications.download
                 "disclosure_applications.reply_file"}
#: Files of the platform's own making (exports, reports, feeds) or look (the theme's, a site's logo: its pixels
#: written again, `tenants.provisioning.set_logo`): a route that answers with a file must be in one of the two.
OWN_FILES = {"themes.theme_file", "themes.vendor_file", "sites.logo", "visits.beacon", "evaluation.export_csv",
             "evaluation.export_pdf",
             "evaluation.export_xlsx", "interaction_consultations.admin_export_csv",
             "interaction_consultations.admin_export_xlsx", "interaction_stats.platform_stats_csv",
             "interaction_stats.platform_stats_xlsx", "interaction_stats.site_stats_csv",
             "interaction_stats.site_stats_xlsx", "services_guide.platform_template_csv",
             "services_guide.platform_template_xlsx", "services_stats.platform_coverage_csv",
             "services_stats.platform_coverage_xlsx", "services_stats.platform_stats_csv",
             "services_stats.platform_stats_xlsx", "services_stats.site_stats_csv", "services_stats.site_stats_xlsx"}
#: What a page or a feed is served as; any other answer is a file.
PAGE_TYPES = {"text/html", "application/json", "application/atom+xml", "application/xml", "text/plain"}


def check_file_answer(endpoint: str, response) -> None:
    """A file's answer: a download in a safe type when someone uploaded it; else a file the platform made."""
    from core.content.files import DOWNLOAD_TYPES

    if endpoint in UPLOAD_ROUTES:
        assert response.headers.get("Content-Disposition", "").startswith("attachment"), endpoint
        assert response.mimetype in DOWNLOAD_TYPES | {"application/octet-stream"}, response.mimetype
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
    elif "Content-Disposition" in response.headers or response.mimetype not in PAGE_TYPES:
        assert endpoint in OWN_FILES, f"{endpoint} answers with a file: name it in UPLOAD_ROUTES or OWN_FILES"


def role_with(permission: str) -> str:
    return next(role for role, granted in SITE_PERMISSIONS.items() if permission in granted)


def role_without(permission: str) -> str | None:
    return next((role for role, granted in SITE_PERMISSIONS.items() if permission not in granted), None)


# --- the world: made once for the module -------------------------------------------------------

@pytest.fixture(autouse=True)
def _empty_database():
    """Overrides the suite's emptying after every test: this module keeps one world (see `world`)."""
    yield


@pytest.fixture(scope="module")
def world(app):
    """Both sites with everything a URL names, each; the platform's ids too. Emptied once, after the module."""
    empty_database(app)
    try:
        yield _make_world(app)
    finally:
        empty_database(app)


def _make_world(app):
    rsj, czj, articles = make_two_sites(app)
    ids = {}
    for site in (rsj, czj):
        member = make_account(app, f"member.{site.slug}", site=site, roles=["collector"])
        with app.app_context(), activate_tenant(site.id):
            section = add_section(name_zh="专题", name_en="Topics", slug="topics")
            article = create_article(section=section, title="草稿", status="collecting")
            item = ServiceItem(code="XK-001", name="人力资源服务许可", kind="licensing", application_fields=json.dumps(
                [{"key": "employer", "type": "text", "label": "工作单位"}, {"key": "title", "type": "text", "label": "职务"}]))
            item.materials.append(ServiceMaterial(name="营业执照"))
            item.steps.append(ServiceStep(title="受理"))
            item.forms.append(ServiceForm(title="申请表", filename="申请表.pdf", stored_name="0" * 32 + ".pdf",
                                          content_type="application/pdf", size=4))
            db.session.add(item)
            db.session.flush()
            request = CatalogueRequest(action="remove", item_id=item.id, reason="编委调整")
            db.session.add(request)
            application = _application_with_a_file()
            consultation, opinion = _consultation_with_an_opinion()
            letter, _new = submit_letter("consultation", subject="咨询社保缴费", body="请问如何补缴？", writer_name="王小明",
                                         phone="13812345678", upload=Upload("说明.pdf", b"%PDF-1.4\n"))
            disclosure, disclosure_file = _disclosure_application_with_a_file()
            link = _interpretation_link(section)
            guide = db.session.execute(select(Section.id).where(Section.slug == GUIDE_SLUG)).scalar_one()
            report = _disclosure_report()
            website_report = WebsiteReport(year=now().year - 1, status="draft")
            db.session.add(website_report)
            [message] = deliver([db.session.get(User, member.id)], key="training:1", kind="training",
                                subject="培训资料", body="请阅读")
            finding = SecurityFinding(rule="accounts.inactive", object_key=f"user:{member.id}", object_name="成员",
                                      severity="medium", state="new")
            db.session.add(finding)
            published = PublishedLetter(letter_id=letter.id, kind="consultation", subject="咨询社保缴费",
                                        body="请问如何补缴？", reply="请到窗口办理。", received_on=date.today(),
                                        replied_on=date.today())
            db.session.add(published)
            db.session.commit()
            ids[site.slug] = {"user_id": member.id, "section_id": section.id, "article_id": article.id,
                              "item_id": item.id, "material_id": item.materials[0].id, "step_id": item.steps[0].id,
                              "form_id": item.forms[0].id, "request_id": request.id,
                              "application_id": application.id, "field_key": "title",
                              "file_id": db.session.execute(select(ApplicationFile.id)).scalar_one(),
                              "consultation_id": consultation.id, "opinion_id": opinion.id, "letter_id": letter.id,
                              "disclosure_application_id": disclosure.id, "disclosure_file_id": disclosure_file,
                              "column_page_id": guide, "interpretation_link_id": link.id,
                              "disclosure_report_id": report.id, "inbox_message_id": message.id,
                              "finding_id": finding.id, "website_report_id": website_report.id,
                              # what the public's pages name
                              "public_item_id": application.item_id, "published_letter_id": published.id,
                              "policy_id": link.policy_id, "public_section_slug": "news",
                              "public_article_id": articles[site.slug][0], "report_year": website_report.year,
                              "language": "en", "theme": "default", "theme_file": "search.css",
                              "vendor_file": _vendor_file(), "elder_state": "on", "letter_kind": "consultation",
                              "sitemap_part": 1}
        ids[site.slug].update({**_attachment_for(app, site), **_logo_for(app, site),
                               **_public_form_of(app, site, ids[site.slug]["public_item_id"])})
    with app.app_context():
        ensure_default_categories()
        ensure_default_subjects()
        db.session.commit()
        category = db.session.execute(select(DisclosureCategory.id)).scalars().first()
        for site in (rsj, czj):
            ids[site.slug].update(_training_for(site))
            with activate_tenant(site.id):  # the policy is filed in the disclosure catalogue too
                db.session.get(Article, ids[site.slug]["policy_id"]).disclosure_category_id = category
                db.session.commit()
        existing = {rsj.slug, czj.slug}
        ids["platform"] = {
            "tenant_id": rsj.id, "user_id": ids["rsj"]["user_id"],
            "mandatory_id": db.session.execute(select(MandatorySection.id).where(MandatorySection.key == "news"))
            .scalar_one(),
            "category_id": db.session.execute(select(DisclosureCategory.id)).scalars().first(),
            "catalog_slug": next(e["slug"] for e in load_catalog()["sites"] if e["slug"] not in existing),
            "calendar_year": 2026, "calendar_day": "2026-02-14", "catalogue_request_id": ids["rsj"]["request_id"],
            "subject_id": db.session.execute(select(DisclosureSubject.id)).scalars().first(),
            "platform_finding_id": _platform_finding(), "site_finding_id": ids["rsj"]["finding_id"],
            "training_id": ids["rsj"]["training_id"], "training_file_id": ids["rsj"]["training_file_id"],
            "example_id": add_good_practice(actor=None, site_id=rsj.id, note="首页重点突出。").id,
            "synonym_group_id": add_synonyms("社保 社会保险").id,
        }
        db.session.commit()
        db.session.remove()
    return rsj, czj, ids


def _vendor_file() -> str:
    from themes import VENDOR_FILES

    return sorted(VENDOR_FILES)[0]


def _attachment_for(app, site) -> dict:
    """A published article with an attachment, on `site`: its id and file name."""
    make_article(app, site, "notices", "附件下载", attachments=[Upload("申请表.pdf", b"%PDF-1.4\n")])
    with app.app_context(), activate_tenant(site.id):
        found = db.session.execute(select(Attachment)).scalars().first()
        return {"attachment_id": found.id, "attachment_filename": found.filename}


def _public_form_of(app, site, item_id: int) -> dict:
    """The blank form of the item the public may apply for, as its published guide lists it."""
    with app.app_context(), activate_tenant(site.id):
        from core.content.files import write_upload

        item = db.session.get(ServiceItem, item_id)
        entry = write_upload(Upload("申请表.pdf", b"%PDF-1.4\n"))
        form = ServiceForm(title="申请表", filename=entry["filename"], stored_name=entry["stored_name"],
                           content_type=entry["content_type"], size=entry["size"])
        item.forms.append(form)
        db.session.flush()
        guide = json.loads(item.published_guide)
        guide.update(promised_days=10, statutory_days=20)
        guide["forms"] = [{"id": form.id, "title": form.title, "filename": form.filename,
                           "stored_name": form.stored_name, "content_type": form.content_type, "size": form.size}]
        item.published_guide = json.dumps(guide)
        db.session.commit()
        return {"public_form_id": form.id, "public_form_filename": form.filename}


def _logo_for(app, site) -> dict:
    """A logo for `site` (a tiny PNG of a colour of its own, so the two sites' logos have different names)."""
    import io

    from PIL import Image

    from tenants.models import Tenant
    from tenants.provisioning import set_logo

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30) if site.slug == "rsj" else (30, 30, 200)).save(buffer, format="PNG")
    with app.app_context():
        tenant = db.session.get(Tenant, site.id)
        name = set_logo(tenant, "logo.png", buffer.getvalue())
        db.session.commit()
        return {"logo_filename": name}


class People:
    """The people who ask, each signed in once for the module and kept: `people["rsj", "editor"]`."""

    def __init__(self, app, world):
        self.app, self.world, self.clients = app, world, {}

    def __getitem__(self, key):
        if key not in self.clients:
            self.clients[key] = self._sign_in(*key)
        return self.clients[key]

    def _sign_in(self, where: str, who: str):
        rsj, czj, _ids = self.world
        site = {"rsj": rsj, "czj": czj}.get(where)
        host = PLATFORM if where == "platform" else f"{where}.localhost"
        name = f"{who}.{where}"
        if who == "all":  # every role of the site
            return sign_in(self.app, host, name, site=site, roles=list(SITE_PERMISSIONS))[0]
        if who in ("evaluator", "platform_admin"):
            return sign_in(self.app, host, name, platform_role=who, totp=True)[0]
        return sign_in(self.app, host, name, site=site, roles=[who])[0]


@pytest.fixture(scope="module")
def people(app, world):
    return People(app, world)


@pytest.fixture
def unchanged(app):
    """`with unchanged(): ...`: fails when the block changed a row of the database or a file of the uploads."""
    import contextlib

    @contextlib.contextmanager
    def check():
        before = fingerprint(app)
        yield
        assert changed(before, fingerprint(app)) == [], "a refused request changed these"

    return check


def token_of(client, path: str = "/admin/account") -> str:
    """A valid form token of `client`'s session (from a page it may read)."""
    return csrf_token(client.get(path).get_data(as_text=True))



def _platform_finding() -> int:
    """A security finding of the platform's own (core.security)."""
    finding = PlatformSecurityFinding(rule="config.debug", object_key="setting:DEBUG", object_name="DEBUG",
                                      severity="high", state="new")
    db.session.add(finding)
    db.session.commit()
    return finding.id
def _training_for(site) -> dict:
    """A published training material for every role of one site (platform data, made as the bureau makes it)."""
    material = create_material(actor=None, title="网络安全培训", due_on=date.today() + timedelta(days=30),
                               site_scope="sites", site_ids=[site.id], uploads=[Upload("课件.pdf", b"%PDF-1.4\n")])
    publish_material(material, actor=None)
    db.session.commit()
    return {"training_id": material.id, "training_file_id": material.files[0].id}


def _application_with_a_file():
    """An online application with one uploaded material, filed on the active site."""
    item = ServiceItem(code="RS-001", name="职称评审", online_level="online", published_guide=json.dumps(
        {"online_level": "online", "application_fields": [{"key": "doc", "type": "file", "label": "材料"}]}))
    db.session.add(item)
    db.session.flush()
    application, _new = submit_application(apply_item(item), applicant_name="王小明", id_number="11010519491231002X",
                                           phone="13812345678", answers={},
                                           uploads={"doc": Upload("材料.pdf", b"%PDF-1.4\n")})
    return application


def _disclosure_application_with_a_file():
    """An application for disclosure with the applicant's file, filed on the active site; return it, its file's id."""
    found, _new = submit_disclosure_application(
        applicant_kind="person", applicant_name="王小明", id_number="11010519491231002X", phone="13812345678",
        description="某地块征收补偿方案", medium="electronic", delivery="online",
        uploads=[Upload("身份证.pdf", b"%PDF-1.4\n")])
    return found, db.session.execute(select(DisclosureApplicationFile.id)).scalar_one()


def _interpretation_link(section):
    """A policy and its interpretation, linked, in the given section of the active site."""
    policy = create_article(section=section, title="就业补贴管理办法", policy_level="municipal")
    interpretation = create_article(section=section, title="《就业补贴管理办法》政策解读")
    return link_interpretation(interpretation, policy, kind="text")


def _disclosure_report():
    """The active site's yearly disclosure report of 2025: its item in the annual reports column, and its figures."""
    section = db.session.execute(select(Section).where(Section.slug == REPORTS_SLUG)).scalar_one()
    article = create_article(section=section, title="2025年政府信息公开工作年度报告", status="editing")
    found = DisclosureReport(year=2025, article_id=article.id, computed="{}", manual="{}")
    db.session.add(found)
    db.session.flush()
    return found


def _consultation_with_an_opinion():
    """A published consultation open now, with its draft as a document and one opinion, on the active site."""
    from core.content.files import write_upload

    today = date.today()
    consultation = Consultation(title="就业补贴管理办法（征求意见稿）", body_html="<p>第一条</p>", office="就业促进科",
                                open_on=today - timedelta(days=10), close_on=today + timedelta(days=20),
                                status="published")
    entry = write_upload(Upload("征求意见稿.pdf", b"%PDF-1.4\n"))
    consultation.document_filename, consultation.document_stored_name = entry["filename"], entry["stored_name"]
    consultation.document_content_type, consultation.document_size = entry["content_type"], entry["size"]
    db.session.add(consultation)
    db.session.flush()
    opinion = Opinion(consultation_id=consultation.id, body="建议延长申请时限。", phone="13812345678")
    db.session.add(opinion)
    db.session.flush()
    return consultation, opinion




def url(endpoint: str, values: dict, host: str = "site") -> str:
    path = ROUTES[endpoint][0]
    fillers = OPEN_FILLERS.get(endpoint, {}) if RULES[endpoint].permission is None else FILLERS[host]
    for name in _params(endpoint):
        path = re.sub(rf"<(?:\w+:)?{name}>", str(values[fillers[name]]), path)
    return path


def _methods(endpoint: str) -> list[str]:
    return ROUTES[endpoint][1]


def _sent_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


def _copied_session(client_for, source, host: str):
    """A fresh client on `host` that sends the session cookie `source` holds on its own host: a replay."""
    cookie = source.client.get_cookie("session", domain=source.host.split(":")[0]).value
    intruder = client_for(host)
    intruder.client.set_cookie("session", cookie, domain=host.split(":")[0])
    return intruder


#: What a refused POST sends besides its token: enough for most forms to be valid, were it let through.
BAIT = {"name_zh": "改", "name_en": "x", "slug": "evil", "roles": ["site_admin"], "direction": "up", "start": "1",
        "title": "改", "reason": "改", "note": "改"}


def test_the_fingerprint_sees_a_change_and_its_undoing(app, world):
    """The proof of "changed nothing" below is worth something only if one changed field shows."""
    rsj, _, ids = world
    before = fingerprint(app)
    with app.app_context(), activate_tenant(rsj.id):
        section = db.session.get(Section, ids["rsj"]["section_id"])
        section.name_zh, kept = "改", section.name_zh
        db.session.commit()
        # The content versions too: the city's and the site's.
        assert changed(before, fingerprint(app)) == ["registry_versions", "sections", "site_content_versions"]
        section.name_zh = kept
        db.session.commit()
    # The row is back; the versions moved on.
    assert changed(before, fingerprint(app)) == ["registry_versions", "site_content_versions"]


# --- a site's admin routes ---------------------------------------------------------------------

@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_anonymous_is_sent_to_the_login_page(world, client_for, unchanged, endpoint, rule):
    _, _, ids = world
    client = client_for("rsj.localhost")
    path = url(endpoint, ids["rsj"])
    if "GET" in _methods(endpoint):
        assert _sent_to_login(client.get(path))
    if "POST" in _methods(endpoint):
        with unchanged():
            assert _sent_to_login(client.post(path, data=BAIT))  # the sign-in comes before the form's token
            token = csrf_token(client.get("/admin/login").get_data(as_text=True))
            assert _sent_to_login(client.post(path, data={**BAIT, "csrf_token": token}))


#: Another site's administrator asks for rsj's objects (by rsj's ids) and for its own (by czj's ids) on rsj's host.
INTRUSIONS = [(e, r, "rsj") for e, r in SITE_ROUTES] + [(e, r, "czj") for e, r in ID_ROUTES]


def _intruder_is_sent_to_login(intruder, endpoint: str, path: str, unchanged) -> None:
    """A session that means nobody here: each method of the route sends it to sign in, a post (with a valid token
    of its own, so only the sign-in stops it) changing nothing."""
    if "GET" in _methods(endpoint):
        assert _sent_to_login(intruder.get(path))
    if "POST" in _methods(endpoint):
        token = csrf_token(intruder.get("/admin/login").get_data(as_text=True))
        with unchanged():
            assert _sent_to_login(intruder.post(path, data={**BAIT, "csrf_token": token}))


@pytest.mark.parametrize("endpoint, rule, whose_ids", INTRUSIONS, ids=[f"{e}-{w}" for e, _, w in INTRUSIONS])
def test_another_sites_administrator_is_refused(world, people, client_for, unchanged, endpoint, rule, whose_ids):
    _, _, ids = world
    intruder = _copied_session(client_for, people["czj", "site_admin"], "rsj.localhost")
    path = url(endpoint, ids[whose_ids])
    _intruder_is_sent_to_login(intruder, endpoint, path, unchanged)


@pytest.mark.parametrize("endpoint, rule", ID_ROUTES, ids=[e for e, _ in ID_ROUTES])
def test_own_administrator_with_another_sites_ids_gets_404(world, people, unchanged, endpoint, rule):
    _, _, ids = world
    client = people["rsj", "all"]  # every role of the site
    path = url(endpoint, ids["czj"])
    if "GET" in _methods(endpoint):
        assert client.get(path).status_code == 404
    if "POST" in _methods(endpoint):
        token = token_of(client)
        with unchanged():
            assert client.post(path, data={**BAIT, "csrf_token": token}).status_code == 404


@pytest.mark.parametrize("endpoint, rule", ID_ROUTES, ids=[e for e, _ in ID_ROUTES])
def test_ids_beyond_the_database_range_are_404(world, people, endpoint, rule):
    _, _, ids = world
    client = people["rsj", "all"]
    for bad in ("2147483648", "99999999999999999999", "%C2%B2", "-1"):
        path = url(endpoint, {k: bad for k in ids["rsj"]})
        if "GET" in _methods(endpoint):
            assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_wrong_role_gets_403_and_right_role_gets_the_page(world, people, unchanged, endpoint, rule):
    _, _, ids = world
    path = url(endpoint, ids["rsj"])
    for method in _methods(endpoint):
        needed = rule.needed(method)
        lacking = role_without(needed)
        if lacking is None:
            continue
        client = people["rsj", lacking]
        if method == "GET":
            assert client.get(path).status_code == 403
        else:
            token = token_of(client)
            with unchanged():
                assert client.post(path, data={**BAIT, "csrf_token": token}).status_code == 403
    if "GET" in _methods(endpoint):
        response = people["rsj", role_with(rule.permission)].get(path)
        assert response.status_code == 200
        assert_security_headers(response)
        check_file_answer(endpoint, response)
        response.close()


@pytest.mark.parametrize("endpoint, rule", SITE_ROUTES, ids=[e for e, _ in SITE_ROUTES])
def test_evaluator_reads_and_changes_nothing(world, people, unchanged, endpoint, rule):
    _, _, ids = world
    client = people["rsj", "evaluator"]
    path = url(endpoint, ids["rsj"])
    if "GET" in _methods(endpoint) and rule.permission.endswith((".view", ".enter")):
        assert client.get(path).status_code == 200
    if "POST" in _methods(endpoint):
        token = token_of(client)
        with unchanged():
            assert client.post(path, data={**BAIT, "csrf_token": token}).status_code == 403


# --- every change, without its form's token ----------------------------------------------------

def _holder(people, rule):
    """Someone allowed to make the change `rule` guards, signed in where it is made."""
    if rule.host == "platform":
        return people["platform", "platform_admin"]
    if rule.host == "any":
        return people["rsj", "all"]
    return people["rsj", role_with(rule.write)]


@pytest.mark.parametrize("endpoint, rule", WRITE_ROUTES, ids=[e for e, _ in WRITE_ROUTES])
def test_a_change_without_its_form_token_is_refused(world, people, unchanged, endpoint, rule):
    """Signed in with the right to make the change, so that only the missing, forged or foreign token stops it."""
    _, _, ids = world
    client = _holder(people, rule)
    path = url(endpoint, ids["platform" if rule.host == "platform" else "rsj"], rule.host)
    foreign = token_of(people["czj", "site_admin"])  # a real token, of another person's session
    with unchanged():
        for token in (None, "", "forged." + foreign[7:], foreign):
            data = dict(BAIT) if token is None else {**BAIT, "csrf_token": token}
            assert client.post(path, data=data).status_code == 400, token


# --- the console's routes ----------------------------------------------------------------------

@pytest.mark.parametrize("endpoint, rule", PLATFORM_ROUTES, ids=[e for e, _ in PLATFORM_ROUTES])
def test_console_anonymous_is_sent_to_the_login_page(world, client_for, unchanged, endpoint, rule):
    _, _, ids = world
    client = client_for(PLATFORM)
    path = url(endpoint, ids["platform"], "platform")
    if "GET" in _methods(endpoint):
        assert _sent_to_login(client.get(path))
    if "POST" in _methods(endpoint):
        with unchanged():
            assert _sent_to_login(client.post(path, data=BAIT))  # the sign-in comes before the form's token
            token = csrf_token(client.get("/admin/login").get_data(as_text=True))
            assert _sent_to_login(client.post(path, data={**BAIT, "csrf_token": token}))


@pytest.mark.parametrize("endpoint, rule", PLATFORM_ROUTES, ids=[e for e, _ in PLATFORM_ROUTES])
def test_console_refuses_a_sites_administrators_session(world, people, client_for, unchanged, endpoint, rule):
    """A site's session replayed on the console is nobody there."""
    _, _, ids = world
    intruder = _copied_session(client_for, people["rsj", "all"], PLATFORM)
    path = url(endpoint, ids["platform"], "platform")
    _intruder_is_sent_to_login(intruder, endpoint, path, unchanged)


@pytest.mark.parametrize("endpoint, rule", PLATFORM_ROUTES, ids=[e for e, _ in PLATFORM_ROUTES])
def test_console_evaluator_reads_and_cannot_change(world, people, unchanged, endpoint, rule):
    _, _, ids = world
    client = people["platform", "evaluator"]
    path = url(endpoint, ids["platform"], "platform")
    if "GET" in _methods(endpoint):
        response = client.get(path)
        assert response.status_code == 200
        assert_security_headers(response)
        check_file_answer(endpoint, response)
        response.close()
    if "POST" in _methods(endpoint):
        token = token_of(client)
        with unchanged():
            assert client.post(path, data={**BAIT, "csrf_token": token}).status_code == 403


@pytest.mark.parametrize("endpoint, rule", PLATFORM_ID_ROUTES, ids=[e for e, _ in PLATFORM_ID_ROUTES])
def test_console_ids_of_nothing_are_404(world, people, unchanged, endpoint, rule):
    client = people["platform", "platform_admin"]
    for missing in ("2147483647", "2147483648", "%C2%B2"):
        path = url(endpoint, {k: missing for k in FILLERS["platform"].values()}, "platform")
        if "GET" in _methods(endpoint):
            assert client.get(path).status_code == 404, path
        if "POST" in _methods(endpoint):
            token = token_of(client)
            with unchanged():
                assert client.post(path, data={**BAIT, "csrf_token": token}).status_code == 404


# --- a signed-in person's own pages, on any staff host -----------------------------------------

@pytest.mark.parametrize("endpoint, rule", ANY_ROUTES, ids=[e for e, _ in ANY_ROUTES])
def test_own_pages_anonymous_is_sent_to_the_login_page_on_every_host(world, client_for, unchanged, endpoint, rule):
    _, _, ids = world
    for host in ("rsj.localhost", PLATFORM):
        client = client_for(host)
        path = url(endpoint, ids["rsj"], "any")
        if "GET" in _methods(endpoint):
            assert _sent_to_login(client.get(path))
        if "POST" in _methods(endpoint):
            token = csrf_token(client.get("/admin/login").get_data(as_text=True))
            with unchanged():
                assert _sent_to_login(client.post(path, data={**BAIT, "csrf_token": token}))
    assert client_for(PORTAL).get(url(endpoint, ids["rsj"], "any")).status_code == 404


# --- open routes -------------------------------------------------------------------------------

def _open_values(endpoint: str, ids: dict) -> dict:
    return {key: ids[key] for key in OPEN_FILLERS.get(endpoint, {}).values()}


OPEN_GETS = [(e, r) for e, r in OPEN if "GET" in ROUTES[e][1]]
#: Open routes whose URL names one site's object: an id, or the site's logo (its name is a digest of its bytes).
OPEN_SITE_IDS = [(e, r) for e, r in OPEN
                 if r.hosts == {"site"} and (any(p.endswith("_id") for p in _params(e)) or e == "sites.logo")]
OPEN_ELSEWHERE = [(e, r, kind) for e, r in OPEN for kind in sorted(HOSTS["all"] - r.hosts)]


@pytest.mark.parametrize("endpoint, rule", OPEN_GETS, ids=[e for e, _ in OPEN_GETS])
def test_an_open_route_answers_on_its_own_hosts(world, client_for, endpoint, rule):
    _, _, ids = world
    for kind in sorted(rule.hosts):
        response = client_for(HOST_OF_KIND[kind]).get(url(endpoint, ids["rsj"]))
        response.close()
        expected = OPEN_NOT_200.get(endpoint, 200)
        assert response.status_code == (expected.get(kind, 200) if isinstance(expected, dict) else expected), kind
        assert_security_headers(response)
        if response.status_code == 200:
            check_file_answer(endpoint, response)


@pytest.mark.parametrize("endpoint, rule", OPEN_SITE_IDS, ids=[e for e, _ in OPEN_SITE_IDS])
def test_an_open_route_does_not_find_another_sites_objects(world, client_for, unchanged, endpoint, rule):
    _, _, ids = world
    assert all(ids["rsj"][k] != ids["czj"][k] for k in OPEN_FILLERS[endpoint].values() if k.endswith("_id")), \
        "the two sites' objects must differ, or this proves nothing"
    client = client_for("rsj.localhost")
    path = url(endpoint, ids["czj"])
    if "GET" in _methods(endpoint):
        assert client.get(path).status_code == 404
    if "POST" in _methods(endpoint):
        token = csrf_token(client.get(url(endpoint, ids["rsj"])).get_data(as_text=True))
        with unchanged():
            assert client.post(path, data={**BAIT, "csrf_token": token}).status_code == 404


@pytest.mark.parametrize("endpoint, rule, kind", OPEN_ELSEWHERE, ids=[f"{e}-{k}" for e, _, k in OPEN_ELSEWHERE])
def test_an_open_route_is_not_found_on_a_host_it_does_not_serve(world, client_for, unchanged, endpoint, rule, kind):
    _, _, ids = world
    client = client_for(HOST_OF_KIND[kind])
    path = url(endpoint, ids["rsj"])
    if "GET" in _methods(endpoint):
        assert client.get(path).status_code == 404
    if "POST" in _methods(endpoint):
        with unchanged():
            assert client.post(path, data=BAIT).status_code == 404


@pytest.mark.parametrize("endpoint, rule", OPEN_FORMS, ids=[e for e, _ in OPEN_FORMS])
def test_an_open_form_without_its_token_is_refused(world, client_for, unchanged, endpoint, rule):
    _, _, ids = world
    host = HOST_OF_KIND[sorted(rule.hosts)[-1]]  # a site's host for the public's forms
    client = client_for(host)
    path = url(endpoint, ids["rsj"])
    with unchanged():
        for token in (None, "forged"):
            data = dict(BAIT) if token is None else {**BAIT, "csrf_token": token}
            assert client.post(path, data=data).status_code == 400, token
