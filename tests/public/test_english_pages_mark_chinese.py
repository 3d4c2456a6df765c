"""On an English page every piece of Chinese a site entered is marked lang="zh-CN" (WCAG 3.1.2, language of parts).

A screen reader reads a page in the language its markup says: Chinese inside an English page that is not
marked is read out as English, letter by letter or not at all.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select

from core.content.files import Upload
from core.extensions import db
from core.sections.models import Section
from tenants.scoping import activate_tenant

#: Han characters, CJK punctuation (、。〔〕《》), fullwidth forms (（），：).
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                 r"\U00020000-\U0002ffff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Unmarked(HTMLParser):
    """Collects the text that holds Chinese but whose nearest lang="…" is not Chinese."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.found: list[str] = []

    def _lang(self) -> str:
        return next((lang for _, lang in reversed(self.stack) if lang is not None), "")

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        # The document's <title> is one string, the item's name and the site's: it cannot mark a part.
        if any(tag == "title" for tag, _ in self.stack):
            return
        if CJK.search(data) and not self._lang().lower().startswith("zh"):
            self.found.append(" ".join(data.split()))


def unmarked_chinese(html: str) -> list[str]:
    parser = _Unmarked()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_what_it_should():
    assert unmarked_chinese('<html lang="en"><p>Source: 办公室</p></html>') == ["Source: 办公室"]
    assert unmarked_chinese('<html lang="en"><p>Source: <span lang="zh-CN">办公室</span></p></html>') == []
    assert unmarked_chinese('<html lang="en"><p>Issued 2024〔3〕</p><br><p>（）</p></html>') == ["Issued 2024〔3〕", "（）"]
    assert unmarked_chinese('<html lang="zh-CN"><p>办公室</p></html>') == []


def test_english_pages_mark_every_piece_of_chinese(app, two_sites, client_for, create_article_in, runner):
    rsj = two_sites[0]
    assert runner.invoke(args=["tenants", "set", "rsj", "--icp-record", "冀ICP备05000001号",
                               "--psb-record", "冀公网安备 13100302000001号", "--address-zh", "廊坊市新华路1号",
                               "--phone", "0316-2011111", "--site-code", "1310000001"]).exit_code == 0
    article = create_article_in(rsj, "news", "全体干部大会召开", source="市人社局办公室", author="张明",
                                summary="会议部署了全年工作。", body_html="<h2>会议</h2><p>3月5日召开。</p>",
                                attachments=[Upload("会议议程.pdf", b"%PDF-1.4 agenda"),
                                             Upload("agenda-en.pdf", b"%PDF-1.4 en")])
    policy = create_article_in(rsj, "policies", "关于做好2024年度人才引进工作的通知", policy_level="municipal",
                               document_number="廊人社发〔2024〕3号", issuing_body="廊坊市人力资源和社会保障局")
    create_article_in(rsj, "forms", "人才引进申请表", attachments=[Upload("人才引进申请表.docx", b"PK\x03\x04 form")])
    with app.app_context(), activate_tenant(rsj.id):
        about = db.session.execute(select(Section).where(Section.mandatory_key == "about")).scalar_one_or_none()
        if about is not None:
            from core.sections.sync import platform_sync

            with platform_sync():
                about.page_html = "<p>本局负责全市人事工作。</p>"
            db.session.commit()
    client = client_for("rsj.localhost")
    client.set_language("en")
    pages = [f"/articles/{article}", f"/articles/{policy}", "/sections/policies/", "/sections/forms/",
             "/sections/news/", "/", "/sitemap"] + (["/sections/about/"] if about is not None else [])
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert '<html lang="en"' in html, path
        assert unmarked_chinese(html) == [], path
    switch = re.search(r'<a href="/lang/zh_CN[^"]*"[^>]*>中文</a>', client.get("/").get_data(as_text=True)).group(0)
    assert 'lang="zh-CN"' in switch
    article_page = client.get(f"/articles/{article}").get_data(as_text=True)
    assert '<span lang="zh-CN">市人社局办公室</span>' in article_page  # marked, not dropped
    assert '>agenda-en.pdf</a>' in article_page  # a name with no Chinese is not said to be Chinese
    portal = client_for("localhost")
    portal.set_language("en")
    assert unmarked_chinese(portal.get("/").get_data(as_text=True)) == []
