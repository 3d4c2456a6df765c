"""What a visitor sees on a department site."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from PIL import Image

from core.content.files import Upload
from core.extensions import db
from core.sections.defaults import DEFAULT_MANDATORY_SECTIONS
from core.sections.operations import add_section
from core.timeutil import now
from tenants.scoping import activate_tenant


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)
    return re.findall(r">([^<>]+)</a>", nav)


def block_headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="block-\d+">([^<]+)</h2>', html)


def test_navigation_puts_mandatory_sections_first_in_platform_order(app, two_sites, client_for):
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        add_section(name_zh="人才工作", name_en="Talent", slug="talent")
        add_section(name_zh="考试录用", name_en="Examinations", slug="exams")
        add_section(name_zh="隐藏栏目", name_en="Hidden", slug="hidden", in_nav=False)
        db.session.commit()
    labels = nav_labels(client_for("rsj.localhost").get("/").get_data(as_text=True))
    assert labels == ["首页"] + [row[1] for row in DEFAULT_MANDATORY_SECTIONS] + ["人才工作", "考试录用"]


def test_homepage_blocks_follow_priority_with_dated_items(app, two_sites, client_for, create_article_in):
    rsj = two_sites[0]
    create_article_in(rsj, "news", "较早的动态", published_at=now() - timedelta(days=3))
    html = client_for("rsj.localhost").get("/").get_data(as_text=True)
    by_priority = sorted((row for row in DEFAULT_MANDATORY_SECTIONS if row[4] is not None and row[3] != "single_page"),
                         key=lambda row: row[4])
    assert block_headings(html) == [row[1] for row in by_priority]
    news_block = html.split('<h2 id="block-')[1]
    assert news_block.index("廊坊市人事局召开全体干部大会") < news_block.index("较早的动态")
    assert "<time datetime=" in news_block and (now() - timedelta(days=3)).strftime("%Y-%m-%d") in news_block


def test_drafts_and_future_items_are_not_public(app, two_sites, client_for, create_article_in):
    rsj = two_sites[0]
    draft = create_article_in(rsj, "news", "尚未发布的稿件", status="collecting")
    future = create_article_in(rsj, "news", "明天发布的稿件", published_at=now() + timedelta(days=1))
    client = client_for("rsj.localhost")
    html = client.get("/").get_data(as_text=True) + client.get("/sections/news/").get_data(as_text=True)
    assert "尚未发布的稿件" not in html and "明天发布的稿件" not in html
    assert client.get(f"/articles/{draft}").status_code == 404
    assert client.get(f"/articles/{future}").status_code == 404


def test_article_page_shows_date_source_and_attachments(app, two_sites, client_for, create_article_in):
    rsj = two_sites[0]
    article_id = create_article_in(
        rsj, "forms", "人才引进申请表", source="人才交流中心", author="张明",
        body_html='<p>请下载填写。</p><script>alert("x")</script><p onclick="evil()">说明</p>',
        attachments=[Upload("人才引进申请表.docx", b"PK\x03\x04 form")],
    )
    client = client_for("rsj.localhost")
    page = client.get(f"/articles/{article_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<h1>人才引进申请表</h1>" in html
    assert "来源: <span>人才交流中心</span>" in html and "作者: <span>张明</span>" in html
    assert re.search(r'发布时间: <time datetime="\d{4}-\d\d-\d\dT[\d:]+">\d{4}-\d\d-\d\d \d\d:\d\d</time>', html)
    assert "<script>alert" not in html and "onclick" not in html
    link = re.search(r'href="(/attachments/\d+/[^"]+)"', html).group(1)
    with client.get(link) as download:
        assert download.status_code == 200 and download.data == b"PK\x03\x04 form"
        assert "attachment" in download.headers["Content-Disposition"]
    # The forms list offers the file directly.
    assert link in client.get("/sections/forms/").get_data(as_text=True)


def test_attachment_of_another_site_is_not_served(app, two_sites, client_for, create_article_in):
    rsj, czj, _ = two_sites
    create_article_in(czj, "forms", "财政表格", attachments=[Upload("表.xlsx", b"secret")])
    html = client_for("czj.localhost").get("/sections/forms/").get_data(as_text=True)
    link = re.search(r'href="(/attachments/\d+/[^"]+)"', html).group(1)
    with client_for("czj.localhost").get(link) as download:
        assert download.status_code == 200 and download.data == b"secret"
    assert client_for("rsj.localhost").get(link).status_code == 404


def test_attachment_of_a_refused_type_or_size_is_refused_with_the_reason(app, two_sites, create_article_in):
    from core.content.files import ContentError

    rsj = two_sites[0]
    with pytest.raises(ContentError) as caught:
        create_article_in(rsj, "forms", "病毒", attachments=[Upload("setup.exe", b"MZ")])
    assert "“exe”" in str(caught.value)
    app.config["MAX_ATTACHMENT_BYTES"], limit = 1024, app.config["MAX_ATTACHMENT_BYTES"]
    try:
        with pytest.raises(ContentError) as caught:
            create_article_in(rsj, "forms", "大文件", attachments=[Upload("big.pdf", b"x" * 2048)])
        assert "big.pdf" in str(caught.value) and "限制" in str(caught.value)
    finally:
        app.config["MAX_ATTACHMENT_BYTES"] = limit


def test_article_of_another_site_is_a_404(two_sites, client_for):
    rsj, czj, articles = two_sites
    assert client_for("rsj.localhost").get(f"/articles/{articles['rsj'][0]}").status_code == 200
    for foreign in articles["czj"]:
        assert client_for("rsj.localhost").get(f"/articles/{foreign}").status_code == 404


def test_section_list_pages_and_bad_page_numbers(app, two_sites, client_for, create_article_in):
    rsj = two_sites[0]
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        for n in range(4):
            create_article_in(rsj, "news", f"动态{n}", published_at=now() - timedelta(days=n + 1))
        client = client_for("rsj.localhost")
        first = client.get("/sections/news/").get_data(as_text=True)
        assert "第 1 页，共 3 页" in first and "下一页" in first
        third = client.get("/sections/news/?page=3")
        assert third.status_code == 200 and "动态3" in third.get_data(as_text=True)
        for bad in ("4", "0", "-1", "abc", "1.5", ""):
            assert client.get(f"/sections/news/?page={bad}").status_code == 404, bad
        assert client.get("/sections/nosuch/").status_code == 404
    finally:
        app.config["PAGE_SIZE"] = size


def test_policies_filed_by_level(app, two_sites, client_for, create_article_in):
    rsj = two_sites[0]
    create_article_in(rsj, "policies", "中华人民共和国公务员法", policy_level="national", document_number="主席令第20号",
                      issued_on=date(2018, 12, 29), policy_status="in_force")
    create_article_in(rsj, "policies", "廊坊市人才引进暂行办法", policy_level="municipal", document_number="廊政〔2025〕8号")
    client = client_for("rsj.localhost")
    everything = client.get("/sections/policies/").get_data(as_text=True)
    assert "中华人民共和国公务员法" in everything and "廊坊市人才引进暂行办法" in everything
    assert "主席令第20号" in everything and "现行有效" in everything
    national = client.get("/sections/policies/?level=national").get_data(as_text=True)
    assert "中华人民共和国公务员法" in national and "廊坊市人才引进暂行办法" not in national
    assert client.get("/sections/policies/?level=galactic").status_code == 404
    assert client.get("/sections/news/?level=national").status_code == 404


def test_single_page_section_and_site_map(app, two_sites, client_for):
    rsj = two_sites[0]
    from sqlalchemy import select

    from core.sections.models import Section

    with app.app_context(), activate_tenant(rsj.id):
        about = db.session.execute(select(Section).where(Section.slug == "about")).scalar_one()
        about.page_html = "<p>廊坊市人事局是主管全市人事工作的市政府工作部门。</p>"
        add_section(name_zh="考试录用", name_en="Examinations", slug="exams", parent_id=about.id)
        db.session.commit()
    client = client_for("rsj.localhost")
    page = client.get("/sections/about/").get_data(as_text=True)
    assert "主管全市人事工作" in page and "考试录用" in page
    sitemap = client.get("/sitemap").get_data(as_text=True)
    assert all(row[1] in sitemap for row in DEFAULT_MANDATORY_SECTIONS)
    nested = re.search(r'机构概况</a>\s*<ul>\s*<li><a href="/sections/exams/">考试录用', sitemap)
    assert nested, "a child section is listed under its parent"


def test_footer_carries_the_mandatory_elements(app, two_sites, client_for, runner):
    runner.invoke(args=["tenants", "set", "rsj", "--phone", "0316-2011111", "--icp-record", "冀ICP备05001234号",
                        "--psb-record", "冀公网安备 13100302000123号", "--site-code", "1310000002",
                        "--address-zh", "廊坊市广阳区新华路1号"])
    html = client_for("rsj.localhost").get("/").get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">'):]
    for expected in ("主办单位", "廊坊市人事局", "廊坊市广阳区新华路1号", "0316-2011111", "冀ICP备05001234号",
                     "冀公网安备 13100302000123号", "1310000002"):
        assert expected in footer


def test_language_switch_to_english_and_back(two_sites, client_for):
    client = client_for("rsj.localhost:8000")
    chinese = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese and "工作动态" in chinese and ">首页<" in chinese
    switch = client.get("/lang/en?next=/sections/news/")
    assert switch.status_code == 302 and switch.headers["Location"] == "/sections/news/"
    cookie = switch.headers["Set-Cookie"]
    assert cookie.startswith("lang=en")
    client.set_language("en")
    english = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert ">Home<" in english and "Work news" in english and "Langfang Municipal Personnel Bureau" in english
    assert "<dt>Sponsor</dt>" in english and "<dt>主办单位</dt>" not in english
    assert client.get("/lang/xx").status_code == 404
    # A next URL on another host is not followed.
    assert client.get("/lang/en?next=http://evil.example/").headers["Location"] == "/"
    assert client.get("/lang/en?next=//evil.example/").headers["Location"] == "/"
    assert client.get("/lang/en?next=/%5Cevil.example/").headers["Location"] == "/"


def test_known_host_gets_a_themed_404(two_sites, client_for):
    response = client_for("rsj.localhost").get("/no/such/page")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "页面不存在" in html and "廊坊市人事局" in html


def test_county_portal_uses_its_theme_variant(app, create_site, client_for):
    create_site("sanhe", name_zh="三河市人民政府", name_en="Sanhe Municipal People's Government", kind="county")
    html = client_for("sanhe.localhost").get("/").get_data(as_text=True)
    assert 'class="theme-county"' in html and "county.css" in html and "县（市、区）门户" in html


def test_accent_colour_is_a_site_option_within_the_palette(app, two_sites, client_for, runner):
    from tenants.models import PALETTE

    assert runner.invoke(args=["tenants", "set", "rsj", "--accent", "green"]).exit_code == 0
    assert f"--accent:{PALETTE['green']}" in client_for("rsj.localhost").get("/").get_data(as_text=True)
    refused = runner.invoke(args=["tenants", "set", "rsj", "--accent", "hotpink"])
    assert refused.exit_code != 0


def test_public_pages_take_few_queries_whatever_the_size(app, two_sites, client_for, create_article_in, count_queries):
    rsj = two_sites[0]
    for n in range(30):
        create_article_in(rsj, "news", f"动态{n}")
    article = create_article_in(rsj, "forms", "表格", attachments=[Upload("a.pdf", b"%PDF")])
    client = client_for("rsj.localhost")
    client.get("/")  # warm the host map, as a running worker is
    # The form-download section also lists the forms of every service guide: one query more, whatever their number.
    # An item's page also reads its policy interpretation links, both ways in one query (core.disclosure).
    for path, most in (("/", 5), (f"/articles/{article}", 6), ("/sections/news/", 5), ("/sections/forms/", 6)):
        with count_queries() as counter:
            assert client.get(path).status_code == 200
        assert counter.count <= most, (path, counter.statements)


def test_site_logo_replaces_the_emblem_and_bad_images_are_refused(app, two_sites, client_for, runner, tmp_path):
    png = tmp_path / "logo.png"
    Image.new("RGB", (56, 56), (166, 27, 27)).save(png, "PNG")
    fake = tmp_path / "logo2.png"
    fake.write_bytes(b"<svg onload=alert(1)>")
    refused = runner.invoke(args=["tenants", "set-logo", "rsj", str(fake)])
    assert refused.exit_code == 2 and "PNG、JPEG 或 GIF" in refused.output
    assert runner.invoke(args=["tenants", "set-logo", "rsj", str(png)]).exit_code == 0
    html = client_for("rsj.localhost").get("/").get_data(as_text=True)
    src = re.search(r'class="brand-mark" src="(/site-logo/[^"]+)"', html).group(1)
    with client_for("rsj.localhost").get(src) as logo:
        assert logo.status_code == 200 and logo.data.startswith(b"\x89PNG")
    assert client_for("czj.localhost").get(src).status_code == 404
    assert "emblem.svg" in client_for("czj.localhost").get("/").get_data(as_text=True)
