"""What the public reads: the service guide section, an item's page, the form downloads, the online services section."""
from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest

from core.content.files import Upload, write_upload
from core.extensions import db
from core.services.guide import snapshot
from core.services.models import ServiceForm, ServiceItem
from core.timeutil import now
from core.web.cache import PublicContent
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.services.guide_fixtures import GUIDE, create_item, read_item  # noqa: F401
from tests.test_structure import PAGE_REGISTRY_TABLES


@pytest.fixture
def rsj(two_sites):
    return two_sites[0]


@pytest.fixture
def public(client_for):
    return client_for("rsj.localhost")


def _main(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_item_page_tells_an_applicant_everything(app, rsj, public, create_item):
    item_id = create_item(rsj, published=True)
    response = public.get(f"/services/items/{item_id}")
    assert response.status_code == 200
    html = _main(response.get_data(as_text=True))
    text = _text(html)
    assert re.search(r"<h1[^>]*>人力资源服务许可</h1>", html)
    assert "行政许可" in text and "全程网办" in text and "事项编码: 130100-XK-001" in text
    # The ten elements, each with its value.
    for label, value in (("设定依据", "《人力资源市场暂行条例》第十八条"), ("申请条件", "有5名以上专职工作人员"),
                         ("办理地点", GUIDE["location"]), ("办理机构", "人力资源市场科"), ("收费标准", "不收费"),
                         ("办理时间", GUIDE["hours"]), ("咨询电话", "0316-2011111"), ("办理材料", "营业执照"),
                         ("办理流程", "送达")):
        assert label in text and value in text, label
    assert "承诺办结时限 10 个工作日" in text and "法定办结时限 20 个工作日" in text
    assert 'href="tel:03162011111"' in html
    # The materials as a checklist, in order, each with original or copy, how many, and whether required.
    materials = re.findall(r'<span class="material-name"[^>]*>(.*?)</span>\s*<span class="material-meta">(.*?)</span>',
                           html, re.S)
    assert [(name, _text(meta).strip()) for name, meta in materials] == [
        ("人力资源服务许可申请书", "原件 · 1 份 · 必需"), ("营业执照", "复印件 · 1 份 · 必需"),
        ("场所使用证明", "原件和复印件 · 1 份 · 必需"), ("委托书", "原件 · 1 份 · 视情况提供")]
    assert "需加盖单位公章" in text
    # The procedure as numbered steps, in order.
    steps = re.search(r'<ol class="steps">(.*?)</ol>', html, re.S).group(1)
    assert re.findall(r'<span class="step-title"[^>]*>(.*?)</span>', steps) == ["申请", "受理", "审查", "决定", "送达"]
    # An online item: a prominent way to apply, and to check an application.
    assert f'class="button-apply" href="/services/items/{item_id}/apply"' in html
    assert 'href="/services/track"' in html
    assert "/admin/" not in html


def test_each_material_links_its_own_blank_form(app, rsj, public, create_item):
    """空白表格: a material with a blank form to fill links that form, and only that one; the others link none."""
    item_id = create_item(rsj)
    with app.app_context(), activate_tenant(rsj.id):
        item = db.session.get(ServiceItem, item_id)
        for title, data in (("申请书（空白表格）", b"%PDF-1.4 application"), ("场所使用证明（样表）", b"%PDF-1.4 premises")):
            entry = write_upload(Upload(f"{title}.pdf", data))
            item.forms.append(ServiceForm(title=title, filename=entry["filename"], stored_name=entry["stored_name"],
                                          content_type="application/pdf", size=entry["size"]))
        db.session.flush()
        application_form, premises_form = item.forms
        by_name = {m.name: m for m in item.materials}
        by_name["人力资源服务许可申请书"].blank_form_id = application_form.id
        by_name["场所使用证明"].blank_form_id = premises_form.id
        item.published_guide = json.dumps(snapshot(item), ensure_ascii=False)
        item.published_at = now()
        db.session.commit()
        forms = {f.title: f"/services/items/{item_id}/forms/{f.id}/{quote(f.filename)}" for f in item.forms}
        db.session.remove()
    html = _main(public.get(f"/services/items/{item_id}").get_data(as_text=True))
    materials = re.search(r'<ol class="material-list">(.*?)</ol>', html, re.S).group(1)
    linked = {re.search(r'<span class="material-name"[^>]*>(.*?)</span>', entry).group(1):
              re.findall(r'<span class="material-form">空白表格：\s*<a class="download" href="([^"]+)"', entry)
              for entry in re.findall(r"<li>(.*?)</li>", materials, re.S)}
    assert linked == {"人力资源服务许可申请书": [forms["申请书（空白表格）"]], "营业执照": [],
                      "场所使用证明": [forms["场所使用证明（样表）"]], "委托书": []}
    # Each link downloads its own form.
    for title, href in forms.items():
        download = public.get(href)
        data = download.get_data()
        download.close()
        assert download.status_code == 200 and download.headers["Content-Disposition"].startswith("attachment")
        assert data == (b"%PDF-1.4 application" if title.startswith("申请书") else b"%PDF-1.4 premises")


def test_the_item_page_in_english_and_for_an_item_done_in_person(app, rsj, public, create_item):
    item_id = create_item(rsj, published=True, online_level="in_person", promised_days=0, statutory_days=None)
    public.set_language("en")
    text = _text(_main(public.get(f"/services/items/{item_id}").get_data(as_text=True)))
    assert "Time limit promised Done on the spot" in text and "Time limit set by law Not set" in text
    assert "Materials to bring" in text and "Apply in person at the office, with the materials the guide lists." in text
    assert "Apply online" not in text and f"/services/items/{item_id}/apply" not in text


def test_the_page_prints_and_reads_on_a_phone(app, rsj, public, create_item):
    item_id = create_item(rsj, published=True)
    html = public.get(f"/services/items/{item_id}").get_data(as_text=True)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "打印自 http://rsj.localhost/services/items/" in html  # said on paper only (.print-only)
    with public.get(re.search(r'href="([^"]+site\.css[^"]*)"', html).group(1)) as response:
        css = response.get_data(as_text=True)
    print_rules = css[css.index("@media print {\n  .masthead"):]
    assert ".guide-apply, .guide-toc" in print_rules and ".print-only { display: inline; }" in print_rules


def test_what_is_not_published_or_not_in_the_catalogue_is_not_public(app, two_sites, rsj, public, create_item):
    draft = create_item(rsj, code="A1", name="职业介绍许可")
    removed = create_item(rsj, code="A2", name="劳务派遣许可", published=True, catalogue_status="removed")
    leaving = create_item(rsj, code="A3", name="民办职业培训学校设立", published=True,
                          catalogue_status="removal_requested")
    theirs = create_item(two_sites[1], code="A4", name="政府采购代理机构登记", published=True)
    for item_id in (draft, removed, theirs):
        assert public.get(f"/services/items/{item_id}").status_code == 404
    assert public.get(f"/services/items/{leaving}").status_code == 200  # until the bureau approves its removal
    listing = public.get("/sections/services/").get_data(as_text=True)
    assert "民办职业培训学校设立" in listing
    assert not any(name in listing for name in ("职业介绍许可", "劳务派遣许可", "政府采购代理机构登记"))


def test_the_service_section_lists_items_by_kind_and_theme_and_finds_them(app, rsj, public, create_item,
                                                                         create_article_in):
    create_item(rsj, code="XK-1", name="人力资源服务许可", published=True, theme="就业创业")
    create_item(rsj, code="XK-2", name="劳务派遣经营许可", published=True, theme="就业创业")
    create_item(rsj, code="GG-1", name="社会保障卡申领", kind="public_service", published=True, theme="社会保障")
    create_item(rsj, code="GG-2", name="档案查询", kind="public_service", published=True, theme="")
    create_article_in(rsj, "services", "关于调整办事大厅服务时间的公告")
    html = _main(public.get("/sections/services/").get_data(as_text=True))
    groups = re.findall(r'<h2 id="theme-\d+"[^>]*>(.*?)</h2>\s*<ul class="service-list">(.*?)</ul>', html, re.S)
    assert [(theme, re.findall(r'<a href="/services/items/\d+"[^>]*>(.*?)</a>', items)) for theme, items in groups] == [
        ("就业创业", ["人力资源服务许可", "劳务派遣经营许可"]), ("社会保障", ["社会保障卡申领"]), ("其他事项", ["档案查询"])]
    assert "全部 (4)" in html and "行政许可 (2)" in html and "公共服务 (2)" in html
    assert "关于调整办事大厅服务时间的公告" in html  # the section's own articles stay

    licensing = _main(public.get("/sections/services/?kind=public_service").get_data(as_text=True))
    assert "社会保障卡申领" in licensing and "人力资源服务许可" not in licensing
    themed = _main(public.get("/sections/services/?theme=社会保障").get_data(as_text=True))
    assert "社会保障卡申领" in themed and "档案查询" not in themed
    found = _main(public.get("/sections/services/?q=劳务").get_data(as_text=True))
    assert "劳务派遣经营许可" in found and "人力资源服务许可" not in found and "共找到 1 个事项" in found
    by_code = _main(public.get("/sections/services/?q=gg-1").get_data(as_text=True))
    assert "社会保障卡申领" in by_code and "档案查询" not in by_code
    nothing = _main(public.get("/sections/services/?q=驾驶证").get_data(as_text=True))
    assert "没有找到符合条件的事项" in nothing
    assert public.get("/sections/services/?kind=permits").status_code == 404
    assert public.get("/sections/services/?theme=不存在").status_code == 404


def test_the_form_section_lists_every_items_forms_with_its_item_and_the_sections_articles(
        app, rsj, public, signed_in, create_item, create_article_in):
    published = create_item(rsj, code="XK-1", name="人力资源服务许可", published=True)
    draft = create_item(rsj, code="XK-2", name="劳务派遣经营许可")
    with app.app_context(), activate_tenant(rsj.id):
        for item_id, title in ((published, "人力资源服务许可申请表"), (draft, "劳务派遣申请表")):
            item = db.session.get(ServiceItem, item_id)
            item.forms.append(ServiceForm(title=title, filename=f"{title}.docx", stored_name="a" * 32 + ".docx",
                                          content_type="application/msword", size=20480))
        db.session.commit()
    # Publish the item's form through review, as a department would.
    editor, _ = signed_in("rsj.localhost", "wang.editor", site=rsj, roles=["editor"])
    reviewer, _ = signed_in("rsj.localhost", "li.reviewer", site=rsj, roles=["reviewer"])
    path = f"/admin/services/items/{published}"
    post_form(editor, f"{path}/submit", {}, form_path=path)
    post_form(reviewer, f"{path}/approve", {}, form_path=path)
    create_article_in(rsj, "forms", "退休审批表", attachments=[Upload("退休审批表.pdf", b"%PDF-1.4")])
    html = _main(public.get("/sections/forms/").get_data(as_text=True))
    block = re.search(r'<div class="form-group">(.*?)</div>', html, re.S).group(1)
    assert f'href="/services/items/{published}"' in block and "人力资源服务许可" in block
    assert re.search(rf'href="/services/items/{published}/forms/\d+/{quote("人力资源服务许可申请表.docx")}"', block)
    assert "DOCX, 20 KB" in block
    assert "劳务派遣申请表" not in html  # its item is not published
    assert "退休审批表" in html and re.search(rf'href="/attachments/\d+/{quote("退休审批表.pdf")}"', html)


def test_the_online_section_groups_items_by_how_far_they_go_online(app, rsj, public, create_item):
    create_item(rsj, code="1", name="人力资源服务许可", published=True, online_level="online")
    create_item(rsj, code="2", name="劳务派遣经营许可", published=True, online_level="download")
    create_item(rsj, code="3", name="档案查询", published=True, online_level="in_person")
    html = _main(public.get("/sections/online/").get_data(as_text=True))
    sections = re.findall(r'<h2 id="level-(\w+)">(.*?)<span class="count">\((\d+)\)</span></h2>(.*?)</section>', html,
                          re.S)
    assert [(level, label.strip(), count) for level, label, count, _ in sections] == [
        ("online", "全程网办", "1"), ("download", "表格下载", "1"), ("in_person", "窗口办理", "1")]
    assert "人力资源服务许可" in sections[0][3] and "/apply" in sections[0][3]
    assert "劳务派遣经营许可" in sections[1][3] and "/apply" not in sections[1][3]
    assert 'href="/services/track"' in html


def test_public_pages_read_only_what_public_pages_may(app, rsj, public, create_item, count_queries):
    item_id = create_item(rsj, published=True)
    marked = {m.local_table.name for m in db.Model.registry.mappers if issubclass(m.class_, PublicContent)}
    allowed = marked | PAGE_REGISTRY_TABLES
    tables = {m.local_table.name for m in db.Model.registry.mappers} | allowed
    for path in ("/sections/services/", "/sections/forms/", "/sections/online/", f"/services/items/{item_id}"):
        with count_queries() as counter:
            assert public.get(path).status_code == 200, path
        read = {t for s in counter.statements for t in tables if re.search(rf'\b(FROM|JOIN)\s+"?{t}"?\b', s)}
        assert read - allowed == set(), path


def test_the_pages_take_a_few_queries_whatever_the_number_of_items(app, rsj, public, create_item, count_queries):
    first = create_item(rsj, code="0", published=True)
    for n in range(1, 25):
        create_item(rsj, code=str(n), name=f"事项{n}", published=True, theme=f"主题{n % 4}")
    public.get("/")  # warm the host map, as a running worker is
    for path, most in (("/sections/services/", 5), ("/sections/online/", 5), ("/sections/forms/", 6),
                       (f"/services/items/{first}", 3)):
        with count_queries() as counter:
            assert public.get(path).status_code == 200
        assert counter.count <= most, (path, counter.count)


def test_the_homepage_blocks_of_the_guide_and_the_forms_list_the_published_items(app, rsj, public, create_item,
                                                                                 create_article_in):
    def block(html: str, name: str) -> str:
        return re.search(rf'<h2 id="block-\d+">{name}</h2>.*?</section>', html, re.S).group(0)

    # A site with no item yet keeps the sections' own articles there.
    create_article_in(rsj, "services", "社会保险登记办事指南")
    assert "社会保险登记办事指南" in block(public.get("/").get_data(as_text=True), "办事指南")
    published = create_item(rsj, code="XK-1", name="人力资源服务许可", published=True)
    create_item(rsj, code="XK-2", name="劳务派遣经营许可")  # not published
    with app.app_context(), activate_tenant(rsj.id):
        item = db.session.get(ServiceItem, published)
        item.forms.append(ServiceForm(title="人力资源服务许可申请表", filename="人力资源服务许可申请表.docx",
                                      stored_name="a" * 32 + ".docx", content_type="application/msword", size=20480))
        db.session.flush()
        item.published_guide = json.dumps(snapshot(item), ensure_ascii=False)
        db.session.commit()
    html = public.get("/").get_data(as_text=True)
    guide = block(html, "办事指南")
    assert f'href="/services/items/{published}"' in guide and "人力资源服务许可" in guide
    assert "劳务派遣经营许可" not in guide and "社会保险登记办事指南" not in guide
    forms = block(html, "表格下载")
    assert re.search(rf'href="/services/items/{published}/forms/\d+/{quote("人力资源服务许可申请表.docx")}"', forms)
