"""The yearly disclosure report (政府信息公开工作年度报告): its figures equal the planted data; generating again keeps
what the office entered; the form refuses what no report can say."""
from __future__ import annotations

import json
import re
from datetime import date, datetime

from sqlalchemy import select

from core.content.models import Article
from core.disclosure.models import PolicyInterpretation
from core.disclosure.models_report import DisclosureReport
from core.extensions import db
from core.sections.models import Section
from tenants.scoping import activate_tenant
from tests.disclosure.report_helpers import plant_application, row_cells
from tests.fixtures.accounts import csrf_token, post_form

YEAR = 2025


def _plant_items(app, publish_filed, rsj, czj) -> None:
    """rsj's own normative documents (departmental level): three published in 2025 (one repealed since), one
    withdrawn, two from 2024 (one repealed), one dated 28 December 2024 and published in January 2025, one from
    2026. Filed under 规范性文件 too but none of the site's own documents: the interpretation of the first (linked,
    though it was given the departmental level), a municipal policy the bureau republishes, a notice with no
    policy level. Two statistics items in 2025. czj: one normative document in 2025."""
    own = {"policy_level": "departmental", "issuing_body": "廊坊市人事局"}
    first = publish_filed(rsj, "规范性文件一", published_at=datetime(2025, 3, 1, 9), policy_status="in_force", **own)
    publish_filed(rsj, "规范性文件二", published_at=datetime(2025, 6, 1, 9), policy_status="repealed", **own)
    publish_filed(rsj, "规范性文件三", published_at=datetime(2025, 9, 1, 9), **own)
    publish_filed(rsj, "撤回的文件", published_at=datetime(2025, 9, 2, 9), status="withdrawn", **own)
    publish_filed(rsj, "旧文件", published_at=datetime(2024, 5, 1, 9), policy_status="in_force", **own)
    publish_filed(rsj, "已废止的旧文件", published_at=datetime(2024, 7, 1, 9), policy_status="repealed", **own)
    publish_filed(rsj, "跨年印发的文件", published_at=datetime(2025, 1, 5, 9), issued_on=date(2024, 12, 28),
                  policy_status="in_force", **own)
    publish_filed(rsj, "明年的文件", published_at=datetime(2026, 2, 1, 9), **own)
    reading = publish_filed(rsj, "《规范性文件一》政策解读", published_at=datetime(2025, 3, 5, 9), **own)
    publish_filed(rsj, "廊坊市人民政府关于进一步加强就业工作的意见", published_at=datetime(2025, 4, 10, 9),
                  policy_level="municipal", issuing_body="廊坊市人民政府", issued_on=date(2025, 4, 2),
                  policy_status="in_force")
    publish_filed(rsj, "关于规范性文件清理工作的通知", published_at=datetime(2025, 11, 3, 9))
    publish_filed(rsj, "统计公报", category="统计信息", published_at=datetime(2025, 4, 1, 9))
    publish_filed(rsj, "统计月报", category="统计信息", published_at=datetime(2025, 4, 2, 9))
    publish_filed(czj, "财政局的规范性文件", published_at=datetime(2025, 5, 1, 9), policy_level="departmental")
    with app.app_context(), activate_tenant(rsj.id):
        db.session.add(PolicyInterpretation(policy_id=first, interpretation_id=reading, kind="text"))
        db.session.commit()
        db.session.remove()


def _plant_applications(app, rsj, czj) -> None:
    with app.app_context():
        with activate_tenant(rsj.id):
            # From 2024, answered in January 2025: carried over.
            plant_application(sent=date(2024, 12, 27), received=date(2024, 12, 30), answered=date(2025, 1, 13),
                              reply="repeat")
            plant_application(sent=date(2025, 3, 3), received=date(2025, 3, 3), answered=date(2025, 3, 20),
                              reply="disclosed")
            plant_application(sent=date(2025, 4, 2), received=date(2025, 4, 2), answered=date(2025, 4, 28),
                              reply="not_disclosed", ground="process_info")
            plant_application("organisation", "business", sent=date(2025, 6, 2), received=date(2025, 6, 2),
                              answered=date(2025, 6, 25), reply="partly_disclosed", ground="third_party")
            plant_application("organisation", "legal_service", sent=date(2025, 9, 1), received=date(2025, 9, 1),
                              answered=date(2025, 9, 10), reply="not_held")
            plant_application(sent=date(2025, 10, 10), received=date(2025, 10, 10), answered=date(2025, 10, 20),
                              reply="not_exist")
            plant_application("organisation", "research", sent=date(2025, 11, 3), received=date(2025, 11, 3),
                              answered=date(2025, 11, 5), reply="not_disclosure_request")
            # Received in December, answered in 2026; sent on 31 December and not registered: both carried on.
            plant_application(sent=date(2025, 12, 15), received=date(2025, 12, 15), answered=date(2026, 1, 8),
                              reply="disclosed")
            plant_application("organisation", "public_interest", sent=date(2025, 12, 31))
            db.session.commit()
        with activate_tenant(czj.id):
            plant_application(sent=date(2025, 3, 3), received=date(2025, 3, 3), answered=date(2025, 3, 4),
                              reply="disclosed")
            db.session.commit()
        db.session.remove()


def prepare(client, year: int = YEAR):
    return post_form(client, "/admin/disclosure/reports/", {"year": str(year)})


def _report(app, site, year: int = YEAR) -> tuple[DisclosureReport, Article]:
    with app.app_context(), activate_tenant(site.id):
        found = db.session.execute(select(DisclosureReport).where(DisclosureReport.year == year)).scalar_one()
        article = db.session.execute(select(Article).where(Article.id == found.article_id)).scalar_one()
        db.session.expunge_all()
        return found, article


def test_the_reports_figures_equal_the_planted_data(app, two_sites, lists, publish_filed, staff):
    rsj, czj, _ = two_sites
    _plant_items(app, publish_filed, rsj, czj)
    _plant_applications(app, rsj, czj)
    editor, _ = staff(rsj, "editor")
    response = prepare(editor)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    found, article = _report(app, rsj)
    assert response.headers["Location"] == f"/admin/disclosure/reports/{found.id}"
    computed = json.loads(found.computed)
    # Made in 2025: 一, 二, 三 (not the one dated 2024, nor the interpretation, nor the city's policy). In force at
    # the end of 2025: 一, 三, 旧文件 and the one dated 2024.
    assert computed["proactive"] == {"normative_new": 3, "normative_in_force": 4}
    counts = {name: count for name, _en, count in computed["categories"] if count}
    # The catalogue's count by category is every item filed there in the year.
    assert counts == {"规范性文件": 7, "统计信息": 2} and computed["catalogue_total"] == 9
    rows = {key: {column: n for column, n in value.items() if n} for key, value in computed["applications"].items()}
    assert rows["received"] == {"person": 4, "business": 1, "research": 1, "public_interest": 1,
                                "legal_service": 1, "total": 8}
    assert rows["carried_over"] == {"person": 1, "total": 1}
    assert rows["disclosed"] == {"person": 1, "total": 1}
    assert rows["partly"] == {"business": 1, "total": 1}
    assert rows["withheld_process_info"] == {"person": 1, "total": 1} and rows["withheld_third_party"] == {}
    assert rows["unable_not_held"] == {"person": 1, "legal_service": 1, "total": 2}  # does not exist; not ours
    assert rows["unprocessed_complaint"] == {"research": 1, "total": 1}
    assert rows["unprocessed_repeat"] == {"person": 1, "total": 1}
    assert rows["answered"] == {"person": 4, "business": 1, "research": 1, "legal_service": 1, "total": 7}
    assert rows["pending"] == {"person": 1, "public_interest": 1, "total": 2}
    # The template's check: received + carried over = answered + carried into the next year.
    assert rows["received"]["total"] + rows["carried_over"]["total"] == \
        rows["answered"]["total"] + rows["pending"]["total"]

    # The item: in the annual reports column, being edited, its text the national template's tables.
    assert article.status == "editing" and article.title == "廊坊市人事局2025年政府信息公开工作年度报告"
    with app.app_context(), activate_tenant(rsj.id):
        section = db.session.get(Section, article.section_id)
        assert section.slug == "disclosure-reports"
    body = article.body_html
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert f"<h2>{heading}</h2>" in body
    assert row_cells(body, "行政规范性文件") == ["3", "0", "4"]
    # Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
    assert row_cells(body, "一、本年新收政府信息公开申请数量") == ["4", "1", "1", "1", "1", "0", "8"]
    assert row_cells(body, "二、上年结转政府信息公开申请数量") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row_cells(body, "（一）予以公开") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row_cells(body, "6.属于四类过程性信息") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row_cells(body, "1.本机关不掌握相关政府信息") == ["1", "0", "0", "0", "1", "0", "2"]
    assert row_cells(body, "2.重复申请") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row_cells(body, "（七）总计") == ["4", "1", "1", "0", "1", "0", "7"]
    assert row_cells(body, "四、结转下年度继续办理") == ["1", "0", "0", "1", "0", "0", "2"]
    # The overview's first paragraph is drafted from the same figures, for the office to rewrite.
    assert "主动公开政府信息9条，其中行政规范性文件3件" in body and "新收政府信息公开申请8件" in body

    # Another site's report counts its own data only.
    czj_editor, _ = staff(czj, "editor")
    prepare(czj_editor)
    other, _ = _report(app, czj)
    assert json.loads(other.computed)["proactive"]["normative_new"] == 1
    assert json.loads(other.computed)["applications"]["received"]["total"] == 1


def _figures(**overrides) -> dict:
    data = {"overview": "本年度工作总体情况。", "problems": "存在的问题。\n改进措施。", "other": "",
            "rules_new": "0", "rules_repealed": "0", "rules_in_force": "0", "normative_repealed": "2",
            "licensing": "1520", "penalty": "36", "coercion": "4", "fees": "12.5",
            "review_upheld": "1", "review_corrected": "0", "review_other": "0", "review_pending": "1",
            "suit_direct_upheld": "2", "suit_direct_corrected": "1", "suit_direct_other": "0",
            "suit_direct_pending": "0", "suit_after_upheld": "0", "suit_after_corrected": "0",
            "suit_after_other": "0", "suit_after_pending": "1"}
    data.update(overrides)
    return data


def _save(client, report_id: int, data: dict):
    page = client.get(f"/admin/disclosure/reports/{report_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return client.post(f"/admin/disclosure/reports/{report_id}",
                       data={**data, "version": version, "csrf_token": csrf_token(page)})


def test_generating_again_refreshes_the_counts_and_keeps_what_the_office_entered(app, two_sites, lists,
                                                                                 publish_filed, staff):
    rsj, czj, _ = two_sites
    publish_filed(rsj, "规范性文件一", published_at=datetime(2025, 3, 1, 9), policy_level="departmental")
    editor, _ = staff(rsj, "editor")
    prepare(editor)
    found, _article = _report(app, rsj)
    response = _save(editor, found.id, _figures())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    saved, article = _report(app, rsj)
    body = article.body_html
    assert row_cells(body, "行政规范性文件") == ["1", "2", "1"]
    assert row_cells(body, "行政许可") == ["1520"] and row_cells(body, "行政处罚") == ["36"]
    assert row_cells(body, "行政事业性收费") == ["12.50"]
    # 行政复议: 维持 纠正 其他 尚未审结 总计; then the two kinds of lawsuit, with their totals added up.
    review = re.search(r"<tbody>\s*<tr>((?:<td>\d+</td>){15})</tr>", body).group(1)
    assert re.findall(r"<td>(\d+)</td>", review) == ["1", "0", "0", "1", "2", "2", "1", "0", "0", "3",
                                                     "0", "0", "0", "1", "1"]
    assert "<p>存在的问题。</p><p>改进措施。</p>" in body and "<h2>六、其他需要报告的事项</h2><p>无。</p>" in body

    # New data, then generate again: the counts move, the figures and paragraphs entered stay.
    publish_filed(rsj, "规范性文件二", published_at=datetime(2025, 10, 1, 9), policy_level="departmental")
    with app.app_context(), activate_tenant(rsj.id):
        plant_application(sent=date(2025, 5, 5), received=date(2025, 5, 5), answered=date(2025, 5, 9),
                          reply="disclosed")
        db.session.commit()
    page = editor.get(f"/admin/disclosure/reports/{found.id}").get_data(as_text=True)
    assert editor.post(f"/admin/disclosure/reports/{found.id}/generate",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    again, article = _report(app, rsj)
    assert json.loads(again.manual) == json.loads(saved.manual) and json.loads(again.manual)["fees"] == "12.50"
    assert (again.overview, again.problems) == ("本年度工作总体情况。", "存在的问题。\n改进措施。")
    assert json.loads(again.computed) != json.loads(saved.computed)
    body = article.body_html
    assert row_cells(body, "行政规范性文件") == ["2", "2", "2"]
    assert row_cells(body, "（一）予以公开") == ["1", "0", "0", "0", "0", "0", "1"]
    assert row_cells(body, "行政许可") == ["1520"] and "<p>本年度工作总体情况。</p>" in body
    with app.app_context(), activate_tenant(rsj.id):
        from core.audit.models import AuditEntry
        actions = list(db.session.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())
    assert [a for a in actions if a.startswith("disclosure_report.")] == [
        "disclosure_report.create", "disclosure_report.save", "disclosure_report.generate"]


def test_the_form_refuses_what_no_report_can_say(app, two_sites, lists, staff):
    rsj, _czj, _ = two_sites
    editor, _ = staff(rsj, "editor")
    prepare(editor)
    found, before = _report(app, rsj)
    for field, value in (("fees", "1.005"), ("fees", "-3"), ("penalty", "-1"), ("penalty", "12a"),
                         ("licensing", "99999999999999999999"), ("overview", "总体\u202e情况")):
        response = _save(editor, found.id, _figures(**{field: value}))
        assert response.status_code == 200, (field, value)
        html = response.get_data(as_text=True)
        assert re.search(rf'id="{field}-errors"', html), (field, value, html[:200])
    _found, after = _report(app, rsj)
    assert after.body_html == before.body_html and after.version == before.version


def test_a_year_outside_the_reports_years_is_refused(app, two_sites, lists, staff):
    rsj, _czj, _ = two_sites
    editor, _ = staff(rsj, "editor")
    for year in ("2007", "2999", "x"):
        response = prepare(editor, year)
        assert response.status_code == 200 and 'id="year-errors"' in response.get_data(as_text=True)
    with app.app_context(), activate_tenant(rsj.id):
        assert db.session.execute(select(DisclosureReport)).first() is None


def _entered(**cells) -> dict:
    """Table 三's hand-entered cells as the form posts them: `received__person=2` → t3_received_person."""
    return {f"t3_{key.replace('__', '_')}": str(value) for key, value in cells.items()}


def test_the_office_adds_to_table_3_what_the_platform_did_not_receive(app, two_sites, lists, staff):
    """Applications received on paper, and the outcomes no reply type gives, are entered per row and kind of
    applicant; the table prints the count plus them, adds up 总计 and 结转, and keeps them when generated again."""
    rsj, _czj, _ = two_sites
    with app.app_context(), activate_tenant(rsj.id):
        plant_application(sent=date(2025, 3, 3), received=date(2025, 3, 3), answered=date(2025, 3, 20),
                          reply="disclosed")
        plant_application(sent=date(2025, 12, 1), received=date(2025, 12, 1))
        db.session.commit()
        db.session.remove()
    editor, _ = staff(rsj, "editor")
    editor.set_language("en")
    prepare(editor)
    found, _article = _report(app, rsj)

    # The page says which rows the platform counts and which are only entered.
    page = editor.get(f"/admin/disclosure/reports/{found.id}").get_data(as_text=True)
    form = page.split('aria-labelledby="figures"', 1)[1].split("</form>", 1)[0]
    received = re.search(r"<th[^>]*>一、本年新收政府信息公开申请数量</th>\s*<td>([^<]*)</td>", form).group(1)
    assert received == "Counted: 2, plus what is entered"
    to_make = re.search(r"<th[^>]*>（四）无法提供：2\.没有现成信息需要另行制作</th>\s*<td>([^<]*)</td>", form).group(1)
    assert to_make == "Entered only"
    assert 'name="t3_unable_to_make_person"' in form and 'name="t3_answered_person"' not in form
    assert 'name="t3_pending_person"' not in form and 'name="t3_received_total"' not in form

    # Two paper applications of citizens (one disclosed, one needing a new document made), and a law firm's,
    # carried over from last year and closed otherwise.
    entries = _entered(received__person=2, disclosed__person=1, unable_to_make__person=1,
                       carried_over__legal_service=1, otherwise_other__legal_service=1)
    response = _save(editor, found.id, {**_figures(), **entries})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    saved, article = _report(app, rsj)
    assert json.loads(saved.manual)["applications"] == {
        "received": {"person": 2}, "carried_over": {"legal_service": 1}, "disclosed": {"person": 1},
        "unable_to_make": {"person": 1}, "otherwise_other": {"legal_service": 1}}

    def table(body: str) -> dict:
        return {label: row_cells(body, label) for label in (
            "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开",
            "2.没有现成信息需要另行制作", "3.其他", "（七）总计", "四、结转下年度继续办理")}

    # Columns: 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计. One + two = three + four.
    expected = {"一、本年新收政府信息公开申请数量": ["4", "0", "0", "0", "0", "0", "4"],
                "二、上年结转政府信息公开申请数量": ["0", "0", "0", "0", "1", "0", "1"],
                "（一）予以公开": ["2", "0", "0", "0", "0", "0", "2"],
                "2.没有现成信息需要另行制作": ["1", "0", "0", "0", "0", "0", "1"],
                "3.其他": ["0", "0", "0", "0", "1", "0", "1"],
                "（七）总计": ["3", "0", "0", "0", "1", "0", "4"],
                "四、结转下年度继续办理": ["1", "0", "0", "0", "0", "0", "1"]}
    assert table(article.body_html) == expected
    page = editor.get(f"/admin/disclosure/reports/{found.id}").get_data(as_text=True)
    assert re.search(r'name="t3_unable_to_make_person"[^>]*value="1"', page)

    # Generated again: the platform counts anew, what was entered stays and is added to the new count.
    with app.app_context(), activate_tenant(rsj.id):
        db.session.info["report_n"] = [100]  # its tracking code after the first two
        plant_application(sent=date(2025, 5, 5), received=date(2025, 5, 5), answered=date(2025, 5, 9),
                          reply="disclosed")
        db.session.commit()
        db.session.remove()
    assert editor.post(f"/admin/disclosure/reports/{found.id}/generate",
                       data={"csrf_token": csrf_token(page)}).status_code == 302
    again, article = _report(app, rsj)
    assert json.loads(again.manual)["applications"] == json.loads(saved.manual)["applications"]
    assert row_cells(article.body_html, "（一）予以公开") == ["3", "0", "0", "0", "0", "0", "3"]
    assert row_cells(article.body_html, "一、本年新收政府信息公开申请数量") == ["5", "0", "0", "0", "0", "0", "5"]
    assert row_cells(article.body_html, "2.没有现成信息需要另行制作") == ["1", "0", "0", "0", "0", "0", "1"]


def test_entered_applications_must_add_up(app, two_sites, lists, staff):
    rsj, _czj, _ = two_sites
    editor, _ = staff(rsj, "editor")
    editor.set_language("en")
    prepare(editor)
    found, before = _report(app, rsj)
    # A cell that is no count is refused under itself.
    for value in ("-1", "2a", "99999999999"):
        response = _save(editor, found.id, {**_figures(), **_entered(unable_to_make__person=value)})
        assert response.status_code == 200 and 'id="t3_unable_to_make_person-errors"' in response.get_data(
            as_text=True), value
    # Handled but never received nor carried over: 结转 would be negative; refused, saying which column.
    response = _save(editor, found.id, {**_figures(), **_entered(unable_to_make__business=1)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "In the column “商业企业”, more applications are entered as handled than came in" in html
    _found, after = _report(app, rsj)
    assert after.body_html == before.body_html and "applications" not in json.loads(_found.manual or "{}")
