"""The layout's kept parts (themes/kept.py): drawn once per site and reused, yet every page still shows its own
masthead, navigation and links, and a change to the site shows on its next page.

The page cache is off in these tests: every page is drawn, so what a kept part gives is what the visitor sees.
"""
from __future__ import annotations

import re

from flask import request
from flask_babel import force_locale

from core.extensions import db
from core.i18n import is_english, locale_key, request_translations
from core.sections.operations import add_section
from core.sections.queries import request_sections
from tenants.scoping import activate_tenant


def nav_current(html: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def switch_targets(html: str) -> list[str]:
    return re.findall(r'href="/(?:elder-mode/on|lang/en)\?next=([^"]*)"', html)


def test_each_page_marks_its_own_section_and_links_back_to_itself(two_sites, client_for, drawn_every_time):
    rsj, _, articles = two_sites
    client = client_for("rsj.localhost")
    article = f"/articles/{articles['rsj'][0]}"
    pages = {path: client.get(path).get_data(as_text=True) for path in (article, "/", "/sections/notices/", article)}
    again = client.get(article).get_data(as_text=True)  # the parts are kept by now
    assert nav_current(again) == ["/sections/news/"]
    assert nav_current(pages["/"]) == ["/"]
    assert nav_current(pages["/sections/notices/"]) == ["/sections/notices/"]
    # The switches come back to the page they are on, not to the page that drew the masthead first.
    assert switch_targets(again) == [article, article]
    assert switch_targets(pages["/"]) == ["/", "/"]
    assert switch_targets(pages["/sections/notices/"]) == ["/sections/notices/"] * 2
    # The homepage's name is its one h1; on other pages, plain text.
    assert '<h1 class="brand-name">' in pages["/"] and '<h1 class="brand-name">' not in again
    assert '<span class="brand-name">廊坊市人事局</span>' in again


def test_a_change_to_the_sections_shows_on_the_next_page(app, two_sites, client_for, drawn_every_time):
    rsj = two_sites[0]
    client = client_for("rsj.localhost")
    assert ">人才工作</a>" not in client.get("/").get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        add_section(name_zh="人才工作", name_en="Talent", slug="talent")
        db.session.commit()
    assert '<a href="/sections/talent/">人才工作</a>' in client.get("/sections/notices/").get_data(as_text=True)


def test_a_change_to_the_site_shows_on_the_next_page(app, two_sites, client_for, runner, drawn_every_time):
    client = client_for("rsj.localhost")
    html = client.get("/").get_data(as_text=True)
    assert "0316-9999999" not in html and "banner-river" not in html
    runner.invoke(args=["tenants", "set", "rsj", "--phone", "0316-9999999"])  # the footer
    assert "0316-9999999" in client.get("/sections/notices/").get_data(as_text=True)
    runner.invoke(args=["tenants", "set", "rsj", "--banner", "river"])  # the masthead
    assert '<header class="masthead banner-river">' in client.get("/sections/notices/").get_data(as_text=True)


def test_each_language_and_each_site_has_its_own_parts(two_sites, client_for, drawn_every_time):
    client = client_for("rsj.localhost")
    chinese = client.get("/").get_data(as_text=True)
    client.set_language("en")
    english = client.get("/").get_data(as_text=True)
    assert "Skip to main content" in english and ">Work news</a>" in english and "Site map" in english
    assert "跳到主要内容" not in english
    client.set_language(None)
    assert client.get("/").get_data(as_text=True).count("跳到主要内容") == chinese.count("跳到主要内容") == 1
    other = client_for("czj.localhost").get("/").get_data(as_text=True)
    assert "廊坊市财政局" in other and "廊坊市人事局" not in other


def test_the_elder_mode_page_has_its_own_switch_back(two_sites, client_for, drawn_every_time):
    client = client_for("rsj.localhost")
    client.get("/")
    client.client.set_cookie("elder", "1", domain="rsj.localhost")
    html = client.get("/").get_data(as_text=True)
    assert 'class="theme-default elder"' in html and "/elder-mode/off?next=/" in html


def test_a_page_not_found_still_has_the_sites_layout(two_sites, client_for, drawn_every_time):
    client = client_for("rsj.localhost")
    client.get("/")
    missing = client.get("/no-such-page")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "廊坊市人事局" in html and nav_current(html) == []
    assert switch_targets(html) == ["/no-such-page"] * 2


def test_the_language_in_force_follows_force_locale(app, two_sites):
    """The per-request language lookup the templates use still switches with flask-babel's `force_locale`."""
    with app.test_request_context("/", headers={"Host": "rsj.localhost"}):
        assert not is_english() and request_translations().ugettext("Home") == "首页"
        with force_locale("en"):
            assert is_english() and locale_key() == "en" and request_translations().ugettext("Home") == "Home"
        assert not is_english() and request_translations().ugettext("Home") == "首页" and request.path == "/"


def _during_the_view(app, monkeypatch, endpoint: str, change) -> None:
    """Make `change()` run while the next request of `endpoint` is under way: after its host was resolved and
    before its page is drawn, as another worker's or thread's change can land."""
    view = app.view_functions[endpoint]

    def changed_meanwhile(*args, **kwargs):
        monkeypatch.setitem(app.view_functions, endpoint, view)  # once
        change()
        return view(*args, **kwargs)

    monkeypatch.setitem(app.view_functions, endpoint, changed_meanwhile)


def test_a_site_changed_while_a_page_is_drawn_is_not_kept_as_it_was(app, two_sites, client_for, runner,
                                                                    drawn_every_time, monkeypatch):
    client = client_for("rsj.localhost")
    client.get("/")
    _during_the_view(app, monkeypatch, "sections.show",
                     lambda: runner.invoke(args=["tenants", "set", "rsj", "--banner", "river"]))
    during = client.get("/sections/notices/").get_data(as_text=True)
    assert '<header class="masthead banner-skyline">' in during  # drawn from the site as its request found it
    # The masthead drawn from the old settings is not kept under the new map: the same page again has the new one.
    assert '<header class="masthead banner-river">' in client.get("/sections/notices/").get_data(as_text=True)


def test_sections_changed_while_a_page_is_drawn_are_not_kept_as_they_were(app, two_sites, client_for,
                                                                          drawn_every_time, monkeypatch):
    rsj = two_sites[0]
    monkeypatch.setitem(app.config, "CONTENT_VERSION_SECONDS", 0)  # each page reads the versions afresh
    client = client_for("rsj.localhost")
    client.get("/")

    def add_talent():
        request_sections()  # the page has read its site's sections already
        with app.app_context(), activate_tenant(rsj.id):
            add_section(name_zh="人才工作", name_en="Talent", slug="talent")
            db.session.commit()
        # The page's next read sees the change, as on PostgreSQL (read committed); SQLite would read the snapshot
        # of the page's transaction until it ends.
        db.session.commit()

    _during_the_view(app, monkeypatch, "sections.show", add_talent)
    client.get("/sections/notices/")
    # The navigation that page drew from the sections it had read is not kept: the same page again has the new one.
    assert '<a href="/sections/talent/">人才工作</a>' in client.get("/sections/notices/").get_data(as_text=True)
