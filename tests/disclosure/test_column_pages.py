"""The disclosure column's guide and rules (政府信息公开指南, 政府信息公开制度): the site administrator writes them at
/admin/disclosure/, the public reads them on the column's pages at once, cleaned; another site's stay its own."""
from __future__ import annotations

import re

from tests.fixtures.accounts import csrf_token

GUIDE = ("<h2>一、主动公开</h2><p>本机关主动公开的政府信息，通过本网站“政府信息公开”栏目公开。</p>"
         '<p onclick="steal()">受理时间：工作日上午8:30—12:00。</p><script>alert(1)</script>')
RULES = "<p>第一条　为规范政府信息公开工作，制定本制度。</p><p>第二条　公开前应当进行保密审查。</p>"


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_the_guide_and_the_rules_are_written_by_the_site_administrator_and_read_by_the_public(
        app, two_sites, lists, signed_in, client_for):
    rsj, czj, _ = two_sites
    public, other_public = client_for("rsj.localhost"), client_for("czj.localhost")
    before = _main(public.get("/sections/disclosure-guide/").get_data(as_text=True))  # read (and cached) first
    assert "主动公开" not in before
    admin, _ = signed_in("rsj.localhost", "rsj.admin", site=rsj, roles=["site_admin"])
    overview = admin.get("/admin/disclosure/").get_data(as_text=True)
    pages = re.findall(r'href="(/admin/disclosure/pages/\d+)"', overview)
    assert len(pages) == 2
    by_slug = {}
    for path in pages:
        page = admin.get(path).get_data(as_text=True)
        slug = re.search(r'href="/sections/(disclosure-(?:guide|rules))/"', page).group(1)
        by_slug[slug] = (path, page)
    for slug, text in (("disclosure-guide", GUIDE), ("disclosure-rules", RULES)):
        path, page = by_slug[slug]
        response = admin.post(path, data={"page_html": text, "csrf_token": csrf_token(page)})
        assert response.status_code == 302 and response.headers["Location"] == "/admin/disclosure/"

    guide = _main(public.get("/sections/disclosure-guide/").get_data(as_text=True))
    assert "<h2>一、主动公开</h2>" in guide and "受理时间：工作日上午8:30—12:00。" in guide
    assert "<script" not in guide and "onclick" not in guide and "steal()" not in guide  # cleaned as an article is
    rules = _main(public.get("/sections/disclosure-rules/").get_data(as_text=True))
    assert "第一条　为规范政府信息公开工作，制定本制度。" in rules and "第二条" in rules
    # The column's page leads to both; the other site's guide is still its own (empty).
    column = public.get("/sections/disclosure/").get_data(as_text=True)
    assert 'href="/sections/disclosure-guide/"' in column and 'href="/sections/disclosure-rules/"' in column
    assert "主动公开" not in _main(other_public.get("/sections/disclosure-guide/").get_data(as_text=True))

    # An editor does not write them; another site's administrator does not find this site's page.
    editor, _ = signed_in("rsj.localhost", "rsj.editor", site=rsj, roles=["editor"])
    path, _page = by_slug["disclosure-guide"]
    token = csrf_token(editor.get("/admin/").get_data(as_text=True))
    assert editor.get(path).status_code == 403
    assert editor.post(path, data={"page_html": "<p>改掉</p>", "csrf_token": token}).status_code == 403
    czj_admin, _ = signed_in("czj.localhost", "czj.admin", site=czj, roles=["site_admin"])
    assert czj_admin.get(path).status_code == 404
    assert "受理时间" in _main(public.get("/sections/disclosure-guide/").get_data(as_text=True))
