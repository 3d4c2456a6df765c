"""The XSS corpus (tests/hostile/xss_payloads.txt, 100+ payloads) through every rich-text and plain-text field a
citizen, an editor or an administrator types and a page shows, rendered in chromium: none executes.

Rich text goes through the sanitiser the way the app stores it (the article editor's HTML input, a consultation's
draft); plain text is stored as typed (through the public forms where the public types it; straight into the row
for the administrators' and editors' fields, so that every payload reaches the template whatever a form would
have refused), and every page that shows it is drawn: the public pages, the officers' and the console's.

Each payload, if it ran, calls xss(), alert(), confirm() or prompt(), or asks evil.example for something. The
browser records all four calls (an init script), every dialog and every request, and after each page the DOM is
read: no script but the theme's files, no on* attribute, no javascript: URL, no frame, object, base or refresh.
Many payloads share one page (one article holds them all; a title, a name or a letter holds as many as fit), so
the whole corpus takes a few dozen pages.

The pages come from the test app in this process (Playwright's request routing hands every request to Flask's
test client), so the test runs on SQLite and on PostgreSQL alike. The Content-Security-Policy the app sends is
taken off every answer, so that the policy does not stand in for escaping: each wall must hold alone.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import select, update

from core.content.models import Article
from core.extensions import db
from core.text import text_problem
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import CONSOLE, csrf_token

pytestmark = pytest.mark.browser

PAYLOADS = [line for line in (Path(__file__).parents[1] / "hostile" / "xss_payloads.txt").read_text("utf-8")
            .splitlines() if line.strip() and not line.startswith("# ")]
#: What a payload calls, recorded instead of run; every dialog is recorded too (an init script cannot reach a
#: frame's own alert).
RECORDER = """
window.__xss = [];
for (const name of ['xss', 'alert', 'confirm', 'prompt']) {
  Object.defineProperty(window, name, {value: (...args) => { window.__xss.push(name + ':' + args.join(',')); },
                                       writable: false, configurable: false});
}
"""
#: The DOM after load: what no payload may leave behind.
LEFT_BEHIND = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (attr.name.startsWith('on')) found.push(el.tagName + '[' + attr.name + ']');
      if (/^\\s*(javascript|vbscript|data):/i.test(attr.value) && ['href', 'src', 'action', 'formaction', 'xlink:href',
          'data', 'srcdoc'].includes(attr.name)) found.push(el.tagName + '[' + attr.name + '=' + attr.value + ']');
    }
  }
  for (const el of document.querySelectorAll('script')) {
    const src = el.getAttribute('src') || '';
    if (!/^\\/_(themes|vendor)\\//.test(src)) found.push('script:' + (src || el.textContent.slice(0, 60)));
  }
  for (const el of document.querySelectorAll('iframe, frame, frameset, object, embed, base, meta[http-equiv], '
                                             + 'body style, svg script, math')) {
    found.push(el.tagName.toLowerCase());
  }
  for (const el of document.querySelectorAll('link')) {  // the theme's own, or the site's feeds: a path here
    const href = el.getAttribute('href') || '';
    if (!href.startsWith('/') || href.startsWith('//')) found.push('link:' + href);
  }
  return found;
}"""


def storable() -> list[str]:
    """The payloads a stored text may hold: one with a direction override is refused with a message before anything
    is stored (core.text), so it never reaches a page."""
    return [p for p in PAYLOADS if not text_problem(p, multiline=True)]


def plain(limit: int, *, line: bool = True) -> list[str]:
    """The payloads packed into values of at most `limit` characters, as many per value as fit; those the stored
    text refuses whatever the field (a control or direction character) are left out (tests/hostile/test_forms.py
    shows they are refused)."""
    values, current = [], ""
    for payload in PAYLOADS:
        if text_problem(payload, multiline=not line) or len(payload) > limit:
            continue
        joined = f"{current} {payload}" if current else payload
        if len(joined) > limit:
            values.append(current)
            joined = payload
        current = joined
    return [*values, current] if current else values


def problems(response) -> list[str]:
    """The form's messages on a page that refused a post (for the assertion's message)."""
    return re.findall(r'class="(?:errors|svc-errors)[^>]*>(.*?)</ul', response.get_data(as_text=True), re.S)


class Browser:
    """Chromium pages served by the test app through a given client (its session, its host)."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.context.add_init_script(RECORDER)
        self.page = self.context.new_page()
        self.dialogs, self.errors, self.foreign = [], [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.client = None
        self.context.route("**/*", self._serve)

    def _serve(self, route):
        request = route.request
        url = urlsplit(request.url)
        if not (url.hostname or "").endswith("localhost"):
            self.foreign.append(request.url)
            route.abort()
            return
        path = url.path + (f"?{url.query}" if url.query else "")
        response = self.client.client.open(path, method=request.method, data=request.post_data_buffer,
                                           headers={k: v for k, v in request.headers.items()
                                                    if k.lower() in ("content-type", "accept")},
                                           environ_overrides={"HTTP_HOST": url.netloc})
        # Without the Content-Security-Policy the app sends, what is tested is the escaping and the sanitiser alone:
        # the policy is the second wall, not the first.
        headers = {k: v for k, v in response.headers.items()
                   if k.lower() not in ("content-length", "set-cookie", "content-security-policy")}
        body = response.get_data()
        response.close()  # a theme file is sent from an open file
        route.fulfill(status=response.status_code, headers=headers, body=body)

    def visit(self, client, path: str) -> str:
        """Open `path` on the client's host as the client; fail on anything a payload did. Returns the page's text."""
        self.client = client
        response = self.page.goto(f"http://{client.host}{path}")
        assert response.status == 200, (path, response.status)
        self.page.mouse.move(640, 450)
        self.page.mouse.move(100, 300)
        self.page.keyboard.press("Tab")
        self.page.wait_for_timeout(50)
        ran = self.page.evaluate("window.__xss")
        left = self.page.evaluate(LEFT_BEHIND)
        assert ran == [] and self.dialogs == [], (path, ran, self.dialogs)
        assert self.foreign == [], (path, self.foreign)
        assert left == [], (path, left)
        return self.page.locator("body").inner_text()

    def close(self):
        self.context.close()


@pytest.fixture
def chromium(browser):
    opened = Browser(browser)
    yield opened
    opened.close()


def _publish_article(app, site, article_id):
    """The editor's draft goes live as it was stored (the workflow's own steps have their tests)."""
    with app.app_context(), activate_tenant(site.id):
        db.session.execute(update(Article).where(Article.id == article_id)
                           .values(status="published", published_at=datetime.now() - timedelta(hours=1)))
        db.session.commit()


def test_no_payload_runs_in_an_article_a_site_or_a_search(app, two_sites, signed_in, client_for, chromium):
    """The article editor's HTML (all payloads in one body, as many as fit in the title), the site's names and
    footer set by administrators, search queries echoed on the results page and kept for the admin's figures."""
    rsj = two_sites[0]
    collector, _ = signed_in(rsj.host, "rsj.col", site=rsj, roles=["collector"])
    with app.app_context(), activate_tenant(rsj.id):
        from core.sections.queries import site_sections

        news = next(s.id for s in site_sections() if s.slug == "news")
    titles = plain(200)
    assert len(storable()) >= 100
    body = "<p>正文开头</p>" + "".join(f"<p>{p}</p>" for p in storable()) + "<p>正文结尾</p>"
    form = collector.get(f"/admin/articles/new?section={news}").get_data(as_text=True)
    sent = collector.post("/admin/articles/new", content_type="multipart/form-data",
                          data={"section_id": str(news), "title": titles[0], "body_html": body,
                                "csrf_token": csrf_token(form)})
    assert sent.status_code == 302, problems(sent)
    with app.app_context(), activate_tenant(rsj.id):
        article_id = db.session.execute(select(Article.id).order_by(Article.id.desc())).scalars().first()
    _publish_article(app, rsj, article_id)
    # What administrators type about the site: its names, the footer's sponsor, address, phone and records.
    names = plain(100)
    with app.app_context():
        db.session.execute(update(Tenant).where(Tenant.id == rsj.id).values(
            name_zh=plain(200)[1], name_en=names[2], sponsor_zh=plain(200)[3], sponsor_en=plain(200)[4],
            address_zh=plain(300)[5], phone=plain(50)[6], icp_record=plain(100)[7], psb_record=plain(100)[8]))
        db.session.commit()
    app.extensions["govsites.hosts"].invalidate()
    public = client_for(rsj.host)
    text = chromium.visit(public, f"/articles/{article_id}")
    assert "正文开头" in text
    chromium.visit(public, "/")
    chromium.visit(public, "/sections/news/")
    chromium.visit(collector, f"/admin/articles/{article_id}")
    # Queries the search takes (at most 60 characters: searched, and counted for the admin's figures), and two
    # that hold every payload, too long to search and shown back in the search box.
    queries = plain(60)[:8] + plain(10_000)
    for query in queries:
        chromium.visit(public, "/search?" + urlencode({"q": query}))
    portal = client_for("localhost")
    chromium.visit(portal, "/")
    admin, _ = signed_in(rsj.host, "rsj.admin", site=rsj, roles=["site_admin"])
    chromium.visit(admin, "/admin/")
    chromium.visit(admin, "/admin/settings")
    chromium.visit(admin, "/admin/search/")
    # The console lists and shows the site under the names its administrators gave it.
    console, _ = signed_in(CONSOLE, "chen.bureau", platform_role="platform_admin", totp=True)
    chromium.visit(console, "/platform/")
    chromium.visit(console, f"/platform/sites/{rsj.id}")


def test_no_payload_runs_in_a_letter_or_its_published_reply(app, two_sites, client_for, signed_in, chromium):
    """A citizen's letters (subject, text and name, several payloads each), the officer's reply, and the letter as
    published with its reply: on the writer's status page, the officer's page and the public reply page."""
    from tests.interaction.letter_helpers import good_letter, receipt_code, write

    rsj = two_sites[0]
    officer, _ = signed_in(rsj.host, "rsj.officer", site=rsj, roles=["interaction_officer"])
    subjects, bodies, names = plain(200), plain(5000, line=False), plain(50)
    citizens = []
    for i, subject in enumerate(subjects[:6]):
        citizen = client_for(rsj.host)
        body = bodies[i % len(bodies)]
        sent = write(citizen, data=good_letter(subject=subject, body=body, writer_name=names[i % len(names)],
                                               phone=f"1381234567{i}"))
        assert sent.status_code == 302, problems(sent)
        citizens.append((citizen, receipt_code(citizen), f"1381234567{i}"))
    from core.interaction.models import Letter

    with app.app_context(), activate_tenant(rsj.id):
        letters = list(db.session.execute(select(Letter.id).order_by(Letter.id)).scalars())
    chromium.visit(officer, "/admin/interaction/letters/?state=all")
    for letter_id, (citizen, code, phone) in zip(letters, citizens):
        page = officer.get(f"/admin/interaction/letters/{letter_id}").get_data(as_text=True)
        held = re.search(r'id="release-csrf_token" name="release-csrf_token" type="hidden" value="([^"]+)"', page)
        if held:  # a letter full of markup is held for an officer's look first
            assert officer.post(f"/admin/interaction/letters/{letter_id}",
                                data={"step": "release", "release-csrf_token": held[1]}).status_code == 302
            page = officer.get(f"/admin/interaction/letters/{letter_id}").get_data(as_text=True)
        token = re.search(r'id="reply-csrf_token" name="reply-csrf_token" type="hidden" value="([^"]+)"', page)
        assert token, re.findall(r'name="step" value="(\w+)"', page)
        token = token[1]
        replied = officer.post(f"/admin/interaction/letters/{letter_id}",
                               data={"step": "reply", "reply-csrf_token": token, "reply-reply": bodies[0][:2000],
                                     "reply-office": plain(100)[0]})
        assert replied.status_code == 302
        chromium.visit(officer, f"/admin/interaction/letters/{letter_id}")
        html = citizen.get("/interaction/query").get_data(as_text=True)
        assert citizen.post("/interaction/query", data={"code": code, "phone": phone,
                                                        "csrf_token": csrf_token(html)}).status_code == 302
        chromium.visit(citizen, "/interaction/query/letter")
    # Published with its reply, as the officer edited them for publication.
    page = officer.get(f"/admin/interaction/letters/{letters[0]}").get_data(as_text=True)
    token = re.search(r'id="publish-csrf_token" name="publish-csrf_token" type="hidden" value="([^"]+)"', page)[1]
    published = officer.post(f"/admin/interaction/letters/{letters[0]}",
                             data={"step": "publish", "publish-csrf_token": token, "publish-subject": subjects[1],
                                   "publish-body": bodies[1][:2000], "publish-reply": bodies[2 % len(bodies)][:2000],
                                   "publish-confirm": "y"})
    assert published.status_code == 302, published.get_data(as_text=True)[:800]
    public = client_for(rsj.host)
    text = chromium.visit(public, "/interaction/letters")
    assert "script" in text  # the payloads are there, as text
    from core.interaction.models import PublishedLetter

    with app.app_context(), activate_tenant(rsj.id):
        published_id = db.session.execute(select(PublishedLetter.id)).scalar_one()
    chromium.visit(public, f"/interaction/letters/{published_id}")
    chromium.visit(public, "/search?" + urlencode({"q": subjects[1][:60]}))


def test_no_payload_runs_in_a_consultation_a_guide_or_training(app, two_sites, client_for, signed_in, chromium,
                                                               clock):
    """A consultation's draft (sanitised), title, office and ways to take part, and the opinions on it; a
    single-page section's text (sanitised); a service guide's texts; the bureau's training material: on the public
    pages and the admin pages that show them."""
    from core.content.sanitize import clean_body
    from core.training.models import TrainingMaterial
    from tests.interaction.consultation_helpers import make_consultation
    from tests.services.application_helpers import make_item

    rsj = two_sites[0]
    clock.at = datetime(2026, 3, 2, 10, 0)
    long_lines, blocks = plain(200), plain(2000, line=False)
    with app.app_context():
        draft = clean_body("".join(f"<p>{p}</p>" for p in storable())).html
    made = make_consultation(app, rsj, open_on=date(2026, 3, 1), close_on=date(2026, 3, 31), title=long_lines[2],
                             body_html=draft, office=plain(100)[3], how_to=blocks[0])
    citizen = client_for(rsj.host)
    for i, opinion in enumerate(plain(2000, line=False)[:3]):
        html = citizen.get(f"/consultations/{made.id}").get_data(as_text=True)
        sent = citizen.post(f"/consultations/{made.id}", data={"csrf_token": csrf_token(html), "body": opinion,
                                                               "part": plain(100)[i], "name": plain(50)[i]})
        assert sent.status_code == 302, problems(sent)
    chromium.visit(citizen, f"/consultations/{made.id}")
    chromium.visit(citizen, "/consultations/")
    # A single-page section's text (the disclosure guide, "about us"): rich text through the same sanitiser.
    from core.sections.models import Section
    from core.sections.queries import site_sections

    with app.app_context(), activate_tenant(rsj.id):
        page = next(s for s in site_sections() if s.kind == "single_page")
        db.session.execute(update(Section).where(Section.id == page.id).values(page_html=draft))
        db.session.commit()
        slug = page.slug
    chromium.visit(citizen, f"/sections/{slug}/")
    officer, _ = signed_in(rsj.host, "rsj.handler", site=rsj, roles=["interaction_officer", "editor"])
    chromium.visit(officer, f"/admin/consultations/{made.id}")
    chromium.visit(officer, f"/admin/consultations/{made.id}/opinions")

    from core.services.guide import TEXT_FIELDS
    from core.services.models import ServiceItem

    guide_texts = {}
    for i, name in enumerate(TEXT_FIELDS):  # as many payloads as the column holds (PostgreSQL counts them)
        length = getattr(ServiceItem.__table__.c[name].type, "length", None) or 1000
        values = plain(length, line=False)
        guide_texts[name] = values[(i + 1) % len(values)]
    item = make_item(app, rsj, name=long_lines[4][:200])
    with app.app_context(), activate_tenant(rsj.id):
        found = db.session.get(ServiceItem, item.id)
        guide = {**json.loads(found.published_guide), **guide_texts}
        found.published_guide = json.dumps(guide, ensure_ascii=False)
        for name, value in guide_texts.items():
            if hasattr(found, name):
                setattr(found, name, value)
        db.session.commit()
    chromium.visit(citizen, f"/services/items/{item.id}")
    chromium.visit(citizen, f"/services/items/{item.id}/apply")
    admin, _ = signed_in(rsj.host, "rsj.site.admin", site=rsj, roles=["site_admin"])
    chromium.visit(admin, f"/admin/services/items/{item.id}")

    with app.app_context():
        material = TrainingMaterial(title=long_lines[5], description=blocks[1], status="published", site_scope="all",
                                    due_on=date(2026, 3, 31), published_at=datetime(2026, 3, 1, 9, 0))
        db.session.add(material)
        db.session.commit()
        material_id = material.id
    chromium.visit(admin, "/admin/training/")
    chromium.visit(admin, f"/admin/training/{material_id}")
