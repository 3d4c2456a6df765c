"""The city portal: every site by group and the city's news; a suspended site is marked and not linked."""
from __future__ import annotations

import re

from tests.fixtures.accounts import post_form


def _entry(html: str, name: str) -> str:
    """The portal directory's list item of the site named `name`."""
    return re.search(rf"<li>(?:(?!</li>).)*{name}(?:(?!</li>).)*</li>", html, re.S).group(0)


def test_a_suspended_site_is_marked_and_not_linked_and_its_news_leaves_the_portal(app, city, admin, client_for,
                                                                                  create_site):
    loose = create_site("loose", name_zh="廊坊市临时指挥部", group_key=None)  # listed under "other sites"
    portal = client_for("localhost")
    before = portal.get("/").get_data(as_text=True)  # the page is cached now: suspension must reach it
    assert 'href="http://czj.localhost/"' in before and "廊坊市财政局召开全体干部大会" in before
    assert 'href="http://loose.localhost/"' in before
    for site in (city.czj, loose):
        page = f"/platform/sites/{site.id}"
        assert post_form(admin, f"{page}/suspend", {"reason": "网站改版"}, form_path=page).status_code == 302
    html = portal.get("/").get_data(as_text=True)
    for name, host in (("廊坊市财政局", "czj.localhost"), ("廊坊市临时指挥部", "loose.localhost")):
        entry = _entry(html, name)
        assert "维护中" in entry and "<a " not in entry, entry
        assert f'href="http://{host}/' not in html
    assert "廊坊市财政局召开全体干部大会" not in html  # its news is left out
    assert "廊坊市人事局召开全体干部大会" in html and "<a " in _entry(html, "廊坊市人事局")
    page = f"/platform/sites/{city.czj.id}"
    post_form(admin, f"{page}/resume", {}, form_path=page)
    html = portal.get("/").get_data(as_text=True)
    assert 'href="http://czj.localhost/"' in html and "维护中" not in _entry(html, "廊坊市财政局")
