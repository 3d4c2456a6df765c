"""A citizen visits the portal and two department sites in a real browser."""
from __future__ import annotations

import pytest

from core.sections.defaults import DEFAULT_MANDATORY_SECTIONS
from tenants.catalog import load_catalog

pytestmark = pytest.mark.browser
SITES = load_catalog()["sites"]
RSJ = next(s for s in SITES if s["slug"] == "rsj")
CZJ = next(s for s in SITES if s["slug"] == "czj")


def test_portal_to_department_to_article(page, live_city):
    port, _ = live_city
    page.goto(f"http://localhost:{port}/")
    assert page.locator("h1").inner_text() == load_catalog()["city"]["portal_name_zh"]
    page.get_by_role("link", name=RSJ["name_zh"], exact=True).click()
    page.wait_for_url(f"http://rsj.localhost:{port}/")
    assert page.locator("h1").inner_text() == RSJ["name_zh"]
    nav = page.get_by_role("navigation", name="主栏目").get_by_role("link").all_inner_texts()
    assert nav[: len(DEFAULT_MANDATORY_SECTIONS) + 1] == ["首页"] + [row[1] for row in DEFAULT_MANDATORY_SECTIONS]
    news = page.get_by_role("region", name="工作动态")
    assert news.locator("li").count() == 7
    first = news.locator("li a").first
    title = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == title
    assert "发布时间" in page.locator(".meta").inner_text()
    # The footer carries the site's legal record numbers.
    assert RSJ["icp_record"] in page.locator("footer").inner_text()


def test_each_host_shows_its_own_department(page, live_city):
    port, _ = live_city
    page.goto(f"http://czj.localhost:{port}/")
    assert page.locator("h1").inner_text() == CZJ["name_zh"]
    assert RSJ["name_zh"] not in page.locator("main").inner_text()
    page.goto(f"http://nosuch.localhost:{port}/")
    assert page.locator("body").inner_text().strip() == "Not Found"


def test_phone_layout_keyboard_and_language(browser, live_city):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"http://rsj.localhost:{live_city[0]}/sections/policies/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling on a phone"
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "keyboard focus is visible"
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Policies and regulations"
    assert RSJ["name_en"] in page.locator("header").inner_text()
    context.close()


def test_site_works_without_javascript(browser, live_city):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"http://rsj.localhost:{live_city[0]}/")
    page.get_by_role("link", name="政策法规").first.click()
    assert page.locator("h1").inner_text() == "政策法规"
    page.get_by_role("link", name="国家").click()
    assert page.locator("tbody tr").count() >= 1
    context.close()


OUTLINE = """() => {
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  return {
    levels,
    h1: document.querySelectorAll('h1').length,
    imagesWithoutAlt: [...document.querySelectorAll('img')].filter(i => !i.hasAttribute('alt')).length,
    landmarks: ['header', 'nav', 'main', 'footer'].filter(t => document.querySelector(t)),
    lang: document.documentElement.lang,
  };
}"""


@pytest.mark.parametrize("host, path", [
    ("rsj.localhost", "/"), ("rsj.localhost", "/sections/news/"), ("rsj.localhost", "/sections/policies/"),
    ("rsj.localhost", "/sitemap"), ("sanhe.localhost", "/"), ("localhost", "/"), ("rsj.localhost", "/nope"),
])
def test_pages_have_one_h1_ordered_headings_landmarks_and_alt_text(page, live_city, host, path):
    page.goto(f"http://{host}:{live_city[0]}{path}")
    outline = page.evaluate(OUTLINE)
    assert outline["h1"] == 1 and outline["levels"][0] == 1
    assert all(b - a <= 1 for a, b in zip(outline["levels"], outline["levels"][1:])), outline["levels"]
    assert outline["imagesWithoutAlt"] == 0
    assert outline["lang"] == "zh-CN"
    expected = ["header", "main", "footer"] if host == "localhost" else ["header", "nav", "main", "footer"]
    assert outline["landmarks"] == expected


def test_desktop_menu_fits_one_row_and_the_footer_ends_a_short_page(browser, live_city):
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.goto(f"http://rsj.localhost:{live_city[0]}/")
    menu = page.get_by_role("navigation", name="主栏目").get_by_role("link")
    assert menu.count() >= 12  # the mandatory set, with the demo's extra sections
    tops = {round(box["y"]) for box in (link.bounding_box() for link in menu.all())}
    assert len(tops) == 1, "every level-1 section sits in one row at 1280 px"
    page.goto(f"http://rsj.localhost:{live_city[0]}/no-such-page")  # a short page, taller window
    footer = page.locator("footer").bounding_box()
    assert round(footer["y"] + footer["height"]) == 1400, "no band of background under the footer"
    context.close()
