"""The public disclosure column: its parts, the catalogue by category, subject and year, and a filed item's header."""
from __future__ import annotations

import re
from datetime import datetime

from core.disclosure.queries_catalogue import counts_by_category
from core.extensions import db
from core.sections.queries import site_sections
from core.timeutil import now
from tenants.scoping import activate_tenant


def _titles(html: str) -> list[str]:
    return re.findall(r'<td class="disc-title"><a href="/articles/\d+"[^>]*>([^<]+)</a>', html)


def _plant(publish_filed, rsj, czj):
    this_year = now().year
    publish_filed(rsj, "部门预算公开", category="财政预算决算", subject="财政、金融、审计",
                  published_at=datetime(this_year - 1, 3, 1, 9))
    publish_filed(rsj, "部门决算公开", category="财政预算决算", subject="财政、金融、审计",
                  published_at=datetime(this_year, 2, 1, 9), document_number="廊人社〔2026〕3号",
                  issuing_body="廊坊市人事局", issued_on=datetime(this_year, 1, 20).date())
    publish_filed(rsj, "招聘公告", category="人事任免与招考录用", subject="劳动、人事、监察",
                  published_at=datetime(this_year, 3, 1, 9))
    # Filed outside the column (a policy): in the catalogue too.
    publish_filed(rsj, "职称评审办法", category="规范性文件", subject="劳动、人事、监察", section="policies",
                  policy_level="municipal", published_at=datetime(this_year, 4, 1, 9))
    publish_filed(czj, "另一站点的预算", category="财政预算决算", subject="财政、金融、审计")
    return this_year


def test_the_catalogue_filters_by_category_subject_and_year(app, two_sites, lists, publish_filed, client_for):
    rsj, czj, _ = two_sites
    year = _plant(publish_filed, rsj, czj)
    client = client_for("rsj.localhost")
    everything = client.get("/disclosure/catalogue").get_data(as_text=True)
    assert _titles(everything) == ["职称评审办法", "招聘公告", "部门决算公开", "部门预算公开"]  # newest first
    budget = client.get(f"/disclosure/catalogue?category={lists.categories['财政预算决算']}").get_data(as_text=True)
    assert _titles(budget) == ["部门决算公开", "部门预算公开"]
    people = client.get(f"/disclosure/catalogue?subject={lists.subjects['劳动、人事、监察']}").get_data(as_text=True)
    assert _titles(people) == ["职称评审办法", "招聘公告"]
    last_year = client.get(f"/disclosure/catalogue?year={year - 1}").get_data(as_text=True)
    assert _titles(last_year) == ["部门预算公开"]
    both = client.get(f"/disclosure/catalogue?category={lists.categories['财政预算决算']}&year={year}")
    assert _titles(both.get_data(as_text=True)) == ["部门决算公开"]
    nothing = client.get(f"/disclosure/catalogue?category={lists.categories['政府采购']}").get_data(as_text=True)
    assert _titles(nothing) == [] and "没有符合条件的信息" in nothing
    # Each entry: index number, title, issuing body, document number, date of issue, date of publication.
    row = re.search(r"<tr>\s*<td class=\"disc-index\".*?部门决算公开.*?</tr>", everything, re.S).group(0)
    assert f"/<wbr><span class=\"nowrap\">{year}-00002</span>" in row
    for fact in ("廊坊市人事局", "廊人社〔2026〕3号", f"{year}-01-20", f"{year}-02-01"):
        assert fact in row
    for wrong in ("?category=999999", "?subject=abc", f"?year={year - 5}", "?page=9", "?year=２０２６"):
        assert client.get(f"/disclosure/catalogue{wrong}").status_code == 404, wrong


def test_the_catalogue_pages(app, two_sites, lists, publish_filed, client_for):
    rsj = two_sites[0]
    app.config["PAGE_SIZE"], size = 2, app.config["PAGE_SIZE"]
    try:
        for n in range(5):
            publish_filed(rsj, f"统计数据{n}", category="统计信息", published_at=datetime(now().year, 1, 1 + n, 9))
        client = client_for("rsj.localhost")
        first = client.get("/disclosure/catalogue").get_data(as_text=True)
        assert _titles(first) == ["统计数据4", "统计数据3"] and "第 1 页，共 3 页" in first
        third = client.get("/disclosure/catalogue?page=3").get_data(as_text=True)
        assert _titles(third) == ["统计数据0"]
    finally:
        app.config["PAGE_SIZE"] = size


def test_the_column_page_shows_its_parts_and_the_catalogue_by_category_and_subject(app, two_sites, lists,
                                                                                      publish_filed, client_for):
    rsj, czj, _ = two_sites
    _plant(publish_filed, rsj, czj)
    client = client_for("rsj.localhost")
    response = client.get("/sections/disclosure/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for part in ("公开指南", "公开目录", "公开制度", "年度报告"):
        assert part in html, part
    for slug in ("disclosure-guide", "disclosure-rules", "disclosure-reports"):
        assert f'href="/sections/{slug}/"' in html
    budget = re.search(rf'category={lists.categories["财政预算决算"]}">财政预算决算</a> <span class="disc-count">(\d+)',
                       html)
    assert budget and budget.group(1) == "2"  # this site's two, not the other site's
    assert f'subject={lists.subjects["劳动、人事、监察"]}"' in html
    assert _titles(html)[0] == "职称评审办法"
    with app.app_context(), activate_tenant(rsj.id):
        assert counts_by_category()[lists.categories["财政预算决算"]] == 2
        assert counts_by_category(now().year)[lists.categories["财政预算决算"]] == 1


def test_a_filed_item_has_the_header_table_and_an_unfiled_one_does_not(app, two_sites, lists, publish_filed,
                                                                        create_article_in, client_for):
    rsj = two_sites[0]
    filed = publish_filed(rsj, "关于调整最低工资标准的通知", category="规范性文件", subject="劳动、人事、监察",
                          section="policies", policy_level="municipal", document_number="廊政〔2026〕5号",
                          issuing_body="廊坊市人民政府", issued_on=datetime(2026, 1, 5).date(),
                          policy_status="in_force")
    html = client_for("rsj.localhost").get(f"/articles/{filed}").get_data(as_text=True)
    header = re.search(r'<table class="disc-header">.*?</table>', html, re.S).group(0)
    for label in ("索引号", "主题分类", "发布机构", "成文日期", "文号", "发布日期"):
        assert f">{label}</th>" in header, label
    for fact in ("劳动、人事、监察", "廊坊市人民政府", "2026-01-05", "廊政〔2026〕5号", "规范性文件", "市级",
                 "现行有效"):
        assert fact in header, fact
    assert 'class="policy-facts"' not in html  # the header takes the place of the policy facts
    news = create_article_in(rsj, "news", "一条新闻")
    assert "disc-header" not in client_for("rsj.localhost").get(f"/articles/{news}").get_data(as_text=True)


def test_the_column_pages_are_cached_and_change_with_the_catalogue(app, two_sites, lists, publish_filed, client_for,
                                                                   count_queries):
    rsj = two_sites[0]
    publish_filed(rsj, "第一条", category="统计信息")
    client = client_for("rsj.localhost")
    assert "第一条" in client.get("/disclosure/catalogue").get_data(as_text=True)
    with count_queries() as counter:
        assert client.get("/disclosure/catalogue").status_code == 200
    assert counter.count <= 2  # served from the page cache
    publish_filed(rsj, "第二条", category="统计信息")
    assert "第二条" in client.get("/disclosure/catalogue").get_data(as_text=True)


def test_a_site_without_the_column_has_no_catalogue(app, two_sites, client_for):
    rsj = two_sites[0]
    with app.app_context(), activate_tenant(rsj.id):
        from core.sections.sync import platform_sync
        with platform_sync():
            for section in site_sections():
                if section.parent_id is not None:
                    db.session.delete(section)
            db.session.flush()
            for section in site_sections():
                if section.mandatory_key == "disclosure":
                    db.session.delete(section)
        db.session.commit()
    assert client_for("rsj.localhost").get("/disclosure/catalogue").status_code == 404
