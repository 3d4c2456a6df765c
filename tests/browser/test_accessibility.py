"""A public site for everyone (GB/T 37668, WCAG 2.1 AA): axe-core, the elder-friendly mode, keyboard and reflow.

Over the pages a citizen uses most, on a department's site and the city portal, in both languages: no
serious or critical axe violation; no sideways scrolling at 320 px nor at 640 px (1280 px at 200 % zoom),
even under a title that is one 200-character string; the skip link first; the elder mode by plain links.
"""
from __future__ import annotations

import re
import urllib.request

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import flask_command

pytestmark = pytest.mark.browser

#: One unbroken string of letters and digits, 200 characters: what a pasted file name or code makes.
LONG_TITLE = ("Notice" + "0123456789ABCDEFGHIJ" * 10)[:200]
LANGUAGES = {"zh": "zh_CN", "en": "en"}
BAD_IMPACTS = {"serious", "critical"}


def _get(port: int, host: str, path: str) -> str:
    """A page's HTML by plain HTTP (a site's name under localhost resolves in chromium, not in Python)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": f"{host}:{port}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read().decode("utf-8")


@pytest.fixture(scope="module")
def long_title_article(live_city, live_env, tmp_path_factory) -> int:
    """An article in rsj's news whose title is LONG_TITLE, published through the CLI as an editor would."""
    body = tmp_path_factory.mktemp("a11y") / "body.html"
    body.write_text("<p>一篇标题很长的稿件。</p>", "utf-8")
    out = flask_command(live_env[1], "articles", "create", "rsj", "--section", "news", "--title", LONG_TITLE,
                        "--body-file", str(body))
    return int(re.search(r"article (\d+) published", out).group(1))


@pytest.fixture(scope="module")
def public_pages(live_city, long_title_article) -> dict[str, str]:
    """The pages the issue names, by what they are: a site's, then the portal's."""
    port, _ = live_city
    site, portal = f"http://rsj.localhost:{port}", f"http://localhost:{port}"
    item_id = re.search(r'href="/services/items/(\d+)"', _get(port, "rsj.localhost", "/sections/services/")).group(1)
    return {
        "homepage": f"{site}/",
        "section list": f"{site}/sections/news/",
        "policy list": f"{site}/sections/policies/",
        "article": f"{site}/articles/{long_title_article}",
        "service item": f"{site}/services/items/{item_id}",
        "letter form": f"{site}/interaction/write/consultation",
        "search results": f"{site}/search?q=%E7%A4%BE%E4%BF%9D",  # 社保
        "search for the long title": f"{site}/search?q={LONG_TITLE[:30]}",
        "disclosure catalogue": f"{site}/disclosure/catalogue",
        "portal home": f"{portal}/",
        "portal search": f"{portal}/search?q=%E7%A4%BE%E4%BF%9D",
    }


def _context(browser, port: int, language: str, elder: bool = False, **options):
    """A browser with the language (and the elder mode) already chosen, as its cookies keep them."""
    context = browser.new_context(**options)
    cookies = [{"name": "lang", "value": LANGUAGES[language]}] + ([{"name": "elder", "value": "1"}] if elder else [])
    context.add_cookies([{**cookie, "url": f"http://{host}localhost:{port}"}
                         for cookie in cookies for host in ("rsj.", "")])
    return context


def _described(violation: dict) -> str:
    nodes = "; ".join(f"{' '.join(node['target'])} {node['html'][:120]}" for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} -- {nodes}"


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_or_critical_axe_violation(browser, live_city, public_pages, language, elder):
    context = _context(browser, live_city[0], language, elder, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    axe = Axe()
    found = []
    for name, url in public_pages.items():
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == ("en" if language == "en" else "zh-CN")
        results = axe.run(page).response
        found += [f"{name} <{url}>: {_described(v)}" for v in results["violations"] if v["impact"] in BAD_IMPACTS]
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", [320, 640], ids=["phone-320", "zoom-200"])
def test_no_page_scrolls_sideways(browser, live_city, public_pages, width, language, elder):
    context = _context(browser, live_city[0], language, elder, viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = {}
    for name, url in public_pages.items():
        page.goto(url)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        if scroll > inner:
            wide[name] = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 1).slice(0, 3)
                .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`)""")
    context.close()
    assert wide == {}, f"sideways scrolling at {width} px: {wide}"


def test_the_long_title_wraps_inside_the_page(browser, live_city, public_pages):
    context = _context(browser, live_city[0], "zh", viewport={"width": 320, "height": 800})
    page = context.new_page()
    page.goto(public_pages["article"])
    title = page.locator("h1")
    assert title.inner_text() == LONG_TITLE
    box = title.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 320 and box["height"] > 100, "broken over several lines"
    context.close()


def test_the_skip_link_is_the_first_stop_and_the_menu_is_reached_by_tab(browser, live_city):
    context = _context(browser, live_city[0], "zh", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"http://rsj.localhost:{live_city[0]}/sections/news/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", "the skip link moves focus to the main content"

    page.goto(f"http://rsj.localhost:{live_city[0]}/sections/news/")
    menu = page.locator(".mainnav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    reached, outlines = [], set()
    for _ in range(len(menu) + 15):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.mainnav')"):
            reached.append(page.evaluate("document.activeElement.getAttribute('href')"))
            outlines.add(page.evaluate("getComputedStyle(document.activeElement).outlineStyle"))
    assert reached[: len(menu)] == menu, "every section of the menu in order, by Tab alone"
    assert "none" not in outlines, "the focused menu entry shows it"
    context.close()


def _font_size(page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))


def _elder_cookie(context) -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == "elder"), None)


def test_the_elder_mode_switches_on_is_cached_apart_and_switches_back(browser, live_city):
    port = live_city[0]
    site = f"http://rsj.localhost:{port}"
    elder_ctx = _context(browser, port, "en", viewport={"width": 1280, "height": 900})
    standard_ctx = _context(browser, port, "en", viewport={"width": 1280, "height": 900})
    elder_page, standard_page = elder_ctx.new_page(), standard_ctx.new_page()

    elder_page.goto(f"{site}/sections/notices/")
    assert _font_size(elder_page) < 18
    switch = elder_page.locator("header .elder-switch")
    assert switch.inner_text() == "Elder-friendly version"
    switch.focus()
    with elder_page.expect_navigation(url=f"{site}/sections/notices/"):  # back on the page it was asked from
        elder_page.keyboard.press("Enter")  # by keyboard
    cookie = next(c for c in elder_ctx.cookies() if c["name"] == "elder")
    assert cookie["value"] == "1" and cookie["sameSite"] == "Lax" and cookie["httpOnly"]
    assert _font_size(elder_page) >= 18
    assert elder_page.locator("header .elder-switch").inner_text() == "Back to the standard version"
    heights = elder_page.locator(".mainnav a, .item-list li > a, .pager a").evaluate_all(
        "links => links.map(a => a.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44, "bigger targets"

    # Two workers, each with its own cache: every page is asked several times by each kind of visitor.
    for _ in range(3):
        for path in ("/", "/sections/notices/"):
            standard_page.goto(f"{site}{path}")
            body_class = standard_page.locator("body").get_attribute("class")
            assert _font_size(standard_page) < 18 and "elder" not in body_class
            elder_page.goto(f"{site}{path}")
            assert _font_size(elder_page) >= 18 and "elder" in elder_page.locator("body").get_attribute("class")

    # One column on a wide screen: the homepage's blocks one under another.
    elder_page.goto(f"{site}/")
    lefts = elder_page.locator(".home-grid > *").evaluate_all("els => els.map(e => e.getBoundingClientRect().left)")
    assert len(lefts) > 1 and len(set(lefts)) == 1
    standard_page.goto(f"{site}/")
    standard_lefts = standard_page.locator(".home-grid > *").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().left)")
    assert len(set(standard_lefts)) > 1

    with elder_page.expect_navigation(url=f"{site}/"):
        elder_page.locator("header .elder-switch").click()
    assert _font_size(elder_page) < 18 and _elder_cookie(elder_ctx) is None
    assert elder_page.locator("header .elder-switch").inner_text() == "Elder-friendly version"
    elder_ctx.close()
    standard_ctx.close()


def test_the_elder_mode_works_without_javascript(browser, live_city):
    port = live_city[0]
    context = _context(browser, port, "zh", java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(f"http://localhost:{port}/")  # the portal too
    with page.expect_navigation(url=f"http://localhost:{port}/"):
        page.locator("header .elder-switch").click()
    assert _elder_cookie(context) == "1"
    assert _font_size(page) >= 18 and "elder" in page.locator("body").get_attribute("class")
    with page.expect_navigation(url=f"http://localhost:{port}/"):
        page.locator("header .elder-switch").click()
    assert _elder_cookie(context) is None and _font_size(page) < 18
    context.close()


#: The elder-friendly version's grey for secondary text (themes/default/static/elder.css: --muted #262626).
ELDER_GREY = 0x26
#: Every element of the main content with text of its own: its text's colour, when it is a grey (r = g = b).
_GREY_TEXTS = """() => [...document.querySelectorAll('main *')]
    .filter(e => e.offsetParent !== null
                 && [...e.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
    .map(e => [e, getComputedStyle(e).color.match(/[0-9.]+/g).map(Number)])
    .filter(([e, c]) => c[0] === c[1] && c[1] === c[2])
    .map(([e, c]) => [`${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`, c[0]])"""


def test_the_elder_mode_darkens_the_grey_text_of_every_page(browser, live_city, public_pages):
    """Higher contrast in the elder-friendly version: every grey text of the main content, page-specific styles
    included (search, letters), is at least as dark as the version's own grey; light text (on a coloured
    button or tab) is no grey text."""
    port = live_city[0]
    site = f"http://rsj.localhost:{port}"
    letter = re.search(r'href="(/interaction/letters/\d+)"', _get(port, "rsj.localhost", "/interaction/letters"))
    pages = {**public_pages, "published letters": f"{site}/interaction/letters", "a published letter":
             f"{site}{letter.group(1)}", "the letters' figures": f"{site}/interaction/figures"}
    light = {}
    for language in LANGUAGES:
        context = _context(browser, port, language, elder=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        for name, url in pages.items():
            assert page.goto(url).status == 200, url
            found = {where for where, grey in page.evaluate(_GREY_TEXTS) if ELDER_GREY < grey < 0xF0}
            if found:
                light[f"{name} ({language})"] = sorted(found)[:5]
        context.close()
    assert light == {}, f"grey text lighter than the elder version's: {light}"
