"""The item catalogue: the bureau imports the committee's list (all or nothing); departments ask to add or remove items."""
from __future__ import annotations

import html
import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.extensions import db
from core.services.models import CatalogueRequest, ServiceItem
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form
from tests.fixtures.console import PLATFORM
from tests.services.guide_fixtures import create_item, read_item  # noqa: F401

HEADER = "部门,事项编码,事项名称,事项类型,主题分类,设定依据,法定办结时限"
GOOD = "\n".join([
    HEADER,
    "rsj,130100-XK-001,人力资源服务许可,行政许可,就业创业,《人力资源市场暂行条例》第十八条,20",
    "rsj,130100-GG-002,社会保障卡申领,公共服务,社会保障,,",
    "廊坊市财政局,130100-XK-101,政府采购代理机构登记,行政许可事项,,,",
]) + "\n"


@pytest.fixture
def sites(two_sites):
    return two_sites[0], two_sites[1]


def _items(app, site) -> list[tuple]:
    with app.app_context(), activate_tenant(site.id):
        return [tuple(r) for r in db.session.execute(
            select(ServiceItem.code, ServiceItem.name, ServiceItem.kind, ServiceItem.theme, ServiceItem.statutory_days,
                   ServiceItem.catalogue_status).order_by(ServiceItem.code)).all()]


def _import(admin, data: bytes, filename: str = "目录.csv", complete_list: bool = False):
    form = {"file": (io.BytesIO(data), filename)}
    if complete_list:
        form["complete_list"] = "y"
    return post_form(admin, "/platform/services/catalogue", form, content_type="multipart/form-data")


def _problems(response) -> list[str]:
    html = response.get_data(as_text=True)
    box = re.search(r'<section class="gap-box" role="alert".*?<ul>(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", box.group(1)) if box else []


def test_the_bureau_imports_the_committees_list(app, sites, admin):
    rsj, czj = sites
    response = _import(admin, GOOD.encode("utf-8"))
    assert response.status_code == 302
    assert "新增 3 个事项" in admin.get("/platform/services/catalogue").get_data(as_text=True)
    assert _items(app, rsj) == [
        ("130100-GG-002", "社会保障卡申领", "public_service", "社会保障", None, "active"),
        ("130100-XK-001", "人力资源服务许可", "licensing", "就业创业", 20, "active")]
    assert _items(app, czj) == [("130100-XK-101", "政府采购代理机构登记", "licensing", "", None, "active")]
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.tenant_id, AuditEntry.action)
                                     .execution_options(all_tenants=True)
                                     .where(AuditEntry.action == "service.import")).all()
        assert sorted(entries) == sorted([(rsj.id, "service.import"), (czj.id, "service.import")])
        assert db.session.execute(select(PlatformAuditEntry.action).where(
            PlatformAuditEntry.action == "service.import")).scalar_one() == "service.import"


def test_importing_again_brings_items_in_step_and_the_whole_list_removes_the_rest(app, sites, admin, create_item,
                                                                                  client_for):
    rsj, czj = sites
    kept = create_item(rsj, code="130100-XK-001", name="人力资源服务许可（旧名）", published=True)
    gone = create_item(rsj, code="130100-XK-009", name="已取消的许可", published=True)
    theirs = create_item(czj, code="130100-XK-555", name="财政局的其他事项", published=True)
    assert _import(admin, GOOD.encode("utf-8"), complete_list=True).status_code == 302
    item = read_item(app, rsj, kept)
    assert item.name == "人力资源服务许可" and item.statutory_days == 20 and item.catalogue_status == "active"
    assert item.conditions != "" and item.published_guide is not None  # the department's guide is kept
    assert read_item(app, rsj, gone).catalogue_status == "removed"
    assert client_for("rsj.localhost").get(f"/services/items/{gone}").status_code == 404
    # czj is named by the file too: its unnamed item goes; a site the file does not name is left alone.
    assert read_item(app, czj, theirs).catalogue_status == "removed"
    # Named again later, a removed item comes back.
    again = HEADER + "\nrsj,130100-XK-009,已取消的许可,行政许可,,,\n"
    assert _import(admin, again.encode("utf-8")).status_code == 302
    assert read_item(app, rsj, gone).catalogue_status == "active"


def test_an_excel_workbook_and_a_gbk_csv_are_read_as_excel_and_wps_save_them(app, sites, admin):
    rsj, czj = sites
    book = Workbook()
    sheet = book.active
    sheet.append(["部门", "事项编码", "事项名称", "事项类型", "法定办结时限（工作日）"])
    sheet.append(["rsj", 1301001, "人力资源服务许可", "行政许可", 20.0])
    sheet.append([None, None, None, None, None])  # a blank line is skipped
    sheet.append(["czj", "130100-XK-101", "政府采购代理机构登记", "公共服务", None])
    out = io.BytesIO()
    book.save(out)
    assert _import(admin, out.getvalue(), "清单.xlsx").status_code == 302
    assert _items(app, rsj) == [("1301001", "人力资源服务许可", "licensing", "", 20, "active")]
    gbk = (HEADER + "\nrsj,GG-7,档案查询,公共服务,,,\n").encode("gb18030")
    assert _import(admin, gbk).status_code == 302
    assert ("GG-7", "档案查询", "public_service", "", None, "active") in _items(app, rsj)


def test_a_malformed_file_is_refused_with_its_line_numbers_and_writes_nothing(app, sites, admin):
    rsj, czj = sites
    bad = "\n".join([
        HEADER,
        "rsj,130100-XK-001,人力资源服务许可,行政许可,,,20",
        "rzj,130100-XK-002,职业介绍许可,行政许可,,,",
        "rsj,130100-XK-003,劳务派遣经营许可,许可证,,,",
        "rsj,130100-XK-001,人力资源服务许可,行政许可,,,",
        "rsj,130100-XK-004,,行政许可,,,",
        "rsj,130100-XK-005,民办职业培训学校设立,行政许可,,,二十",
        "czj,130100-XK-101,政府采购代理机构登记,行政许可,,,",
    ]) + "\n"
    response = _import(admin, bad.encode("utf-8"))
    assert response.status_code == 200
    assert "文件未导入，没有做任何修改" in response.get_data(as_text=True)
    assert _problems(response) == [
        "第 3 行：没有名为“rzj”的站点：请填写站点代码（如 rsj）或部门全称。",
        "第 4 行：事项类型“许可证”不是“行政许可”或“公共服务”。",
        "第 5 行：rsj 的事项编码 130100-XK-001 已在第 2 行出现。",
        "第 6 行：“事项名称”为空。",
        "第 7 行：法定办结时限“二十”不是 0 至 1250 之间的整数（工作日）。",
    ]
    assert _items(app, rsj) == [] and _items(app, czj) == []  # not even the good lines
    with app.app_context():
        assert db.session.execute(select(PlatformAuditEntry).where(
            PlatformAuditEntry.action == "service.import")).first() is None


@pytest.mark.parametrize("filename, data, problem", [
    ("目录.csv", "部门,事项名称\nrsj,人力资源服务许可\n".encode(), "第 1 行：缺少 “事项编码”、“事项类型” 列"),
    ("目录.csv", b"", "文件是空的"),
    ("目录.csv", (HEADER + "\n").encode(), "文件中没有事项"),
    ("目录.xlsx", b"PK\x03\x04 not really a workbook", "无法按 Excel 工作簿（.xlsx）读取该文件"),
    ("目录.xls", b"\xd0\xcf\x11\xe0", "请先将 .xls 工作簿另存为 .xlsx"),
    ("目录.txt", b"rsj", "请导入 CSV 文件或 Excel 工作簿（.xlsx）"),
    ("目录.csv", (HEADER + "\nrsj,XK\x00-1,名称,行政许可,,,\n").encode(), "第 2 行：事项编码："),
])
def test_a_file_that_cannot_be_read_says_why(app, sites, admin, filename, data, problem):
    response = _import(admin, data, filename)
    assert response.status_code == 200
    assert any(problem in p for p in _problems(response)), _problems(response)
    assert _items(app, sites[0]) == []


def test_an_unclosed_quote_is_named_with_the_lines_it_joined_and_later_lines_keep_their_numbers(app, sites, admin):
    bad = "\n".join([
        HEADER,
        'rsj,"130100-XK-001,人力资源服务许可,行政许可,,,20',
        "rsj,130100-XK-002,职业介绍许可,行政许可,,,",
        'rsj,130100-XK-003",劳务派遣经营许可,行政许可,,,',
        "rsj,130100-XK-004,劳务派遣,许可证,,,",
        'rsj,130100-XK-005,"民办职业培训学校设立',
        '（含分校）",行政许可,,,',
        "nosuch,130100-XK-006,名称,行政许可,,,",
    ]) + "\n"
    response = _import(admin, bad.encode("utf-8"))
    assert [html.unescape(p) for p in _problems(response)] == [
        "第 2 行：引号（\"）从这里开始，到单元格结束处没有闭合，第 2 行至第 4 行被读成了一个事项：请补上或删去引号。",
        "第 5 行：事项类型“许可证”不是“行政许可”或“公共服务”。",
        "第 6 行：事项名称：此内容含有无法保存的控制字符，请去掉后重新输入。",
        "第 8 行：没有名为“nosuch”的站点：请填写站点代码（如 rsj）或部门全称。",
    ]
    assert _items(app, sites[0]) == []


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_opened(app, sites, admin):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/sharedStrings.xml", b"<sst>" + b"A" * (60 * 1024 * 1024) + b"</sst>")
    assert len(out.getvalue()) < 1024 * 1024  # small on the way in
    response = _import(admin, out.getvalue(), "清单.xlsx")
    assert response.status_code == 200
    assert any("解压后超过 50 MB" in p for p in _problems(response)), _problems(response)


def test_the_templates_are_the_files_the_import_reads(app, sites, admin):
    with admin.get("/platform/services/catalogue/template.xlsx") as response:
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(response.data))
    assert [c.value for c in book.worksheets[0][1]] == ["部门", "事项编码", "事项名称", "事项类型", "主题分类", "设定依据",
                                                         "法定办结时限"]
    assert book.sheetnames == ["事项目录", "填写说明"]
    # Filled in, it imports.
    book.worksheets[0].append(["rsj", "XK-1", "人力资源服务许可", "行政许可", "就业创业", "", "20"])
    out = io.BytesIO()
    book.save(out)
    assert _import(admin, out.getvalue(), "模板.xlsx").status_code == 302
    with admin.get("/platform/services/catalogue/template.csv") as response:
        assert response.data.startswith("\ufeff部门,事项编码".encode("utf-8"))
        csv_template = response.data
    assert _import(admin, csv_template + "rsj,GG-1,档案查询,公共服务,,,\r\n".encode()).status_code == 302
    assert [row[0] for row in _items(app, sites[0])] == ["GG-1", "XK-1"]
    admin.set_language("en")
    with admin.get("/platform/services/catalogue/template.csv") as response:
        english = response.data
    assert english.startswith("\ufeffSite,Item code,Item name,Kind".encode())
    assert _import(admin, english + "czj,XK-9,政府采购代理机构登记,licensing,,,\r\n".encode()).status_code == 302
    assert _items(app, sites[1]) == [("XK-9", "政府采购代理机构登记", "licensing", "", None, "active")]


def test_the_console_shows_each_sites_catalogue_and_its_gaps(app, sites, admin, create_item):
    rsj, czj = sites
    create_item(rsj, code="XK-1", name="人力资源服务许可", published=True)
    create_item(rsj, code="XK-2", name="职业介绍许可", location="", steps=())
    create_item(czj, code="XK-3", name="政府采购代理机构登记", complete=False)
    overview = admin.get("/platform/services/catalogue").get_data(as_text=True)
    row = re.search(r"廊坊市人事局.*?</tr>", overview, re.S).group(0)
    assert re.findall(r"<td>(.*?)</td>", row) == ["2", "1", '<span class="gap">1</span>', "1", ""]
    page = admin.get(f"/platform/services/sites/{rsj.id}").get_data(as_text=True)
    assert "人力资源服务许可" in page and "政府采购代理机构登记" not in page
    assert re.search(r"职业介绍许可.*?办理地点、办理流程", page, re.S)
    assert admin.get("/platform/services/sites/2147483647").status_code == 404


# --- requests to add or remove items -----------------------------------------------------------

@pytest.fixture
def editor(signed_in, sites):
    client, _ = signed_in("rsj.localhost", "wang.editor", site=sites[0], roles=["editor"])
    return client


def _requests(app, site) -> list[tuple]:
    with app.app_context(), activate_tenant(site.id):
        return [tuple(r) for r in db.session.execute(select(CatalogueRequest.action, CatalogueRequest.status,
                                                            CatalogueRequest.answer).order_by(CatalogueRequest.id))]


def test_a_department_asks_to_add_an_item_and_the_bureau_approves(app, sites, editor, admin, create_item):
    rsj, _ = sites
    create_item(rsj, code="XK-1")
    response = post_form(editor, "/admin/services/requests", {"code": "XK-1", "name": "重复", "kind": "licensing",
                                                              "reason": "编委通知"})
    assert response.status_code == 200 and "事项 XK-1 已在目录中" in response.get_data(as_text=True)
    response = post_form(editor, "/admin/services/requests", {"code": "GG-8", "name": "就业失业登记",
                                                              "kind": "public_service", "reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "请说明增加的理由" in html and 'value="就业失业登记"' in html
    assert _requests(app, rsj) == []
    assert post_form(editor, "/admin/services/requests", {"code": "GG-8", "name": "就业失业登记",
                                                          "kind": "public_service",
                                                          "reason": "廊编〔2026〕12号"}).status_code == 302
    response = post_form(editor, "/admin/services/requests", {"code": "GG-8", "name": "就业失业登记",
                                                              "kind": "public_service", "reason": "再次申请"})
    assert "已在等待信息产业局决定" in response.get_data(as_text=True)
    queue = admin.get("/platform/services/requests").get_data(as_text=True)
    assert "就业失业登记" in queue and "廊编〔2026〕12号" in queue
    request_id = int(re.search(r"/platform/services/requests/(\d+)/approve", queue).group(1))
    assert post_form(admin, f"/platform/services/requests/{request_id}/approve", {},
                     form_path="/platform/services/requests").status_code == 302
    assert ("GG-8", "就业失业登记", "public_service", "", None, "active") in _items(app, rsj)
    assert _requests(app, rsj) == [("add", "approved", "")]
    assert "就业失业登记" in editor.get("/admin/services/items").get_data(as_text=True)
    # Decided once only.
    response = post_form(admin, f"/platform/services/requests/{request_id}/approve", {},
                         form_path="/platform/services/requests", follow_redirects=True)
    assert "该申请已经处理过了" in response.get_data(as_text=True)


def test_a_removal_waits_for_the_bureau_and_a_refusal_says_why(app, sites, editor, admin, create_item, client_for):
    rsj, _ = sites
    item_id = create_item(rsj, published=True)
    path = f"/admin/services/items/{item_id}"
    response = post_form(editor, f"{path}/removal", {"removal-reason": ""}, form_path=path)
    assert response.status_code == 200 and "请说明取消的理由" in response.get_data(as_text=True)
    assert post_form(editor, f"{path}/removal", {"removal-reason": "编委已将该事项划转至行政审批局"},
                     form_path=path).status_code == 302
    assert read_item(app, rsj, item_id).catalogue_status == "removal_requested"
    public = client_for("rsj.localhost")
    assert public.get(f"/services/items/{item_id}").status_code == 200  # until the bureau decides
    queue = admin.get("/platform/services/requests").get_data(as_text=True)
    request_id = int(re.search(r"/platform/services/requests/(\d+)/refuse", queue).group(1))
    response = post_form(admin, f"/platform/services/requests/{request_id}/refuse", {"answer": " "},
                         form_path="/platform/services/requests")
    assert response.status_code == 200 and "请说明不同意的理由" in response.get_data(as_text=True)
    assert post_form(admin, f"/platform/services/requests/{request_id}/refuse",
                     {"answer": "划转文件尚未印发，暂不取消"}, form_path="/platform/services/requests").status_code == 302
    assert read_item(app, rsj, item_id).catalogue_status == "active"
    assert "划转文件尚未印发，暂不取消" in editor.get("/admin/services/requests").get_data(as_text=True)
    # Asked again, and approved: the item and its guide leave the site.
    post_form(editor, f"{path}/removal", {"removal-reason": "划转文件已印发"}, form_path=path)
    queue = admin.get("/platform/services/requests").get_data(as_text=True)
    request_id = int(re.search(r"/platform/services/requests/(\d+)/approve", queue).group(1))
    post_form(admin, f"/platform/services/requests/{request_id}/approve", {}, form_path="/platform/services/requests")
    assert read_item(app, rsj, item_id).catalogue_status == "removed"
    assert public.get(f"/services/items/{item_id}").status_code == 404
    assert "划转文件已印发" not in public.get("/sections/services/").get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        actions = list(db.session.execute(select(AuditEntry.action).where(AuditEntry.action.like("service.request%"))
                                          .order_by(AuditEntry.id)).scalars())
    assert actions == ["service.request_remove", "service.request_refuse", "service.request_remove",
                       "service.request_approve"]


def test_a_site_sees_only_its_own_requests_and_items(app, sites, editor, signed_in, create_item):
    rsj, czj = sites
    post_form(editor, "/admin/services/requests", {"code": "GG-8", "name": "就业失业登记", "kind": "public_service",
                                                   "reason": "廊编〔2026〕12号"})
    theirs, _ = signed_in("czj.localhost", "zhao.editor", site=czj, roles=["editor"])
    assert "就业失业登记" not in theirs.get("/admin/services/requests").get_data(as_text=True)
    item_id = create_item(rsj)
    assert post_form(theirs, f"/admin/services/items/{item_id}/removal", {"removal-reason": "x"},
                     form_path="/admin/services/requests").status_code == 404
    assert _requests(app, czj) == []


def test_only_editors_ask_and_only_the_bureau_decides(app, sites, signed_in, evaluator, create_item):
    rsj, _ = sites
    collector, _ = signed_in("rsj.localhost", "qian.collector", site=rsj, roles=["collector"])
    assert post_form(collector, "/admin/services/requests", {"code": "GG-8", "name": "x", "kind": "licensing",
                                                             "reason": "y"}).status_code == 403
    page = evaluator.get("/platform/services/catalogue").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' not in page and "/platform/services/catalogue/template.xlsx" in page
    assert post_form(evaluator, "/platform/services/catalogue", {}).status_code == 403


def test_the_console_audit_log_words_the_import(app, sites, admin):
    _import(admin, GOOD.encode("utf-8"))
    page = admin.get("/platform/audit").get_data(as_text=True)
    assert "导入编委事项清单" in page and "czj、rsj" in page
