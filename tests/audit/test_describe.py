"""The audit log in words: every action the code records has a label, every detail a name, in both languages."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from core.audit.describe import ACTIONS, DETAILS, action_label, detail_pairs, target_text
from core.audit.models import AuditEntry
from core.extensions import db
from core.publishing.workflow import CHANGE_TRANSITIONS, TRANSITIONS
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import post_form

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = [p for folder in ("core", "tenants", "jobs", "themes") for p in (ROOT / folder).rglob("*.py")
           if "migrations" not in p.parts]
#: Codes built at run time, and what they can be: the test fails on a computed code it cannot expand.
COMPUTED = {"article.{action}": {f"article.{t.action}" for t in (*TRANSITIONS, *CHANGE_TRANSITIONS)}}
#: Arguments of `record` that are not details.
NOT_DETAILS = {"user", "username", "platform"}


def _record_calls():
    """Every call of core.audit.log.record in the source, whatever name it was imported under."""
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {"record"} if path.as_posix().endswith("core/audit/log.py") else set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "core.audit.log":
                names |= {alias.asname or alias.name for alias in node.names if alias.name == "record"}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names:
                yield path, node


def _codes(call: ast.Call, path: Path) -> set[str]:
    first = call.args[0]
    if isinstance(first, ast.Constant):
        return {first.value}
    if isinstance(first, ast.JoinedStr):
        pattern = "".join(part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
                          for part in first.values)
        assert pattern in COMPUTED, f"{path}: a computed action code {pattern!r}: list what it can be in COMPUTED"
        return COMPUTED[pattern]
    raise AssertionError(f"{path}: record() with an action code that is not a literal: {ast.unparse(first)}")


def test_the_source_is_read():
    calls = list(_record_calls())
    assert len(calls) > 40  # every module's operations, not an empty walk


def test_every_action_recorded_in_the_code_has_a_label(app):
    """Each module names its own actions from its `init_app` (so the app is built first)."""
    used = set()
    for path, call in _record_calls():
        used |= _codes(call, path)
    assert "article.publish" in used and "site.create" in used and "login.success" in used
    assert sorted(used - set(ACTIONS)) == []


def test_every_detail_named_in_the_code_has_a_label(app):
    keys = set()
    for _path, call in _record_calls():
        keys |= {k.arg for k in call.keywords if k.arg and k.arg not in NOT_DETAILS}
        for spread in (k.value for k in call.keywords if k.arg is None):  # **{"from": ..., "to": ...}
            for node in ast.walk(spread):
                if isinstance(node, ast.Dict):
                    keys |= {k.value for k in node.keys if isinstance(k, ast.Constant)}
    assert {"title", "from", "to", "reason"} <= keys
    assert sorted(keys - set(DETAILS)) == []


def test_the_details_a_site_or_a_sync_records_have_labels():
    """Details spread from data (a site's settings, a sync's counts) are named too."""
    from core.sections.sync import sync_all_tenants  # noqa: F401  (the counts it returns)
    from tenants.provisioning import _EDITABLE_FIELDS

    assert sorted(set(_EDITABLE_FIELDS) - set(DETAILS)) == []
    assert {"added", "updated", "released"} <= set(DETAILS)


def _entry(action: str, detail: dict | str = "", target: str = "") -> AuditEntry:
    return AuditEntry(action=action, target=target, username="someone", ip="cli",
                      detail=json.dumps(detail, ensure_ascii=False) if isinstance(detail, dict) else detail)


@pytest.mark.parametrize("lang, label, states", [
    ("zh_CN", "退回稿件", [("原状态", "待审核"), ("新状态", "编辑中")]),
    ("en", "Sent an item back", [("From", "Waiting for review"), ("To", "Being edited")]),
])
def test_a_step_reads_as_a_sentence_with_its_states_named(app, lang, label, states):
    entry = _entry("article.return", {"title": "供暖通知", "comment": "请补充日期", "from": "reviewing",
                                      "to": "editing"}, "article:12")
    with app.test_request_context(headers={"Cookie": f"lang={lang}"}):
        assert action_label(entry.action) == label
        pairs = detail_pairs(entry)
        assert pairs[-2:] == states
        assert pairs[0][1] == "供暖通知" and pairs[1][1] == "请补充日期"
        assert target_text(entry) == ("稿件 12" if lang == "zh_CN" else "Item 12")


def test_values_are_words_never_json_or_python(app):
    entry = _entry("login.lockout", {"until": "2026-11-27 10:15:00.123456", "count": 5})
    refused = _entry("login.refused", {"reason": "account locked"})
    settings = _entry("site.settings", {"accent": "teal", "review_own_forbidden": False, "phone": "",
                                        "logo": None})
    created = _entry("user.create", {"roles": ["editor", "site_admin"]})
    changed = _entry("mandatory.update", {"changed": {"name_zh": "工作动态", "in_nav": True}, "added": 0})
    with app.test_request_context():
        assert detail_pairs(entry) == [("锁定至", "2026-11-27 10:15"), ("连续失败次数", "5")]
        assert detail_pairs(refused) == [("原因", "账号已锁定")]
        assert detail_pairs(settings) == [("主题色", "青色"), ("禁止审核本人撰写或编辑的稿件", "否"),
                                          ("电话", "（空）"), ("标志", "恢复为平台徽标")]
        assert detail_pairs(created) == [("角色", "编辑、站点管理员")]
        assert detail_pairs(changed) == [("修改内容", "中文名称：工作动态；在导航中：是"), ("新增", "0")]
        text = "".join(f"{k}{v}" for e in (entry, refused, settings, created, changed) for k, v in detail_pairs(e))
        assert not any(mark in text for mark in ("{", "[", "True", "False", "None", "_"))


def test_an_unknown_code_still_reads_as_words(app):
    with app.test_request_context():
        assert action_label("article.archive") == "稿件：其他操作"
        assert action_label("weather.report") == "其他操作"
        assert detail_pairs(_entry("weather.report", {"wind_speed": 3})) == [("wind speed", "3")]
        assert detail_pairs(_entry("weather.report", "plain words")) == [("详情", "plain words")]


def test_the_site_audit_page_and_an_items_trail_show_words(app, two_sites, signed_in):
    rsj = two_sites[0]
    client, account = signed_in("rsj.localhost", "zhang.admin", site=rsj, roles=["site_admin"])
    post_form(client, "/admin/settings", {"sponsor_zh": "廊坊市人事局", "sponsor_en": "Langfang Personnel Bureau",
                                          "address_zh": "新华路1号", "phone": "0316-2011111",
                                          "accent": "green", "banner": "river"})
    with app.app_context(), activate_tenant(rsj.id):
        db.session.add(_entry("duty.assign", {"responsible": "zhang.admin", "deputy": None}, "publishing"))
        db.session.commit()
    html = client.get("/admin/audit/").get_data(as_text=True)
    assert "修改站点设置" in html and "登录成功" in html and "指定岗位负责人" in html
    assert "电话：</span>0316-2011111" in html and "主题色：</span>绿色" in html
    assert "信息发布" in html  # the duty's name, not "publishing"
    assert "命令行" in html  # the address of an entry made from the command line
    for code in ("site.settings", "login.success", '{"', "&#34;", "&quot;"):
        assert f">{code}" not in html and f"{code}<" not in html
    only = client.get("/admin/audit/?action=sites").get_data(as_text=True)
    assert "修改站点设置" in only and "登录成功" not in only
    assert 'option value="sites" selected' in only


def test_an_items_trail_names_its_steps_and_states(app, two_sites, signed_in):
    """The item's page in publishing shows its trail through this module's table: words there too."""
    from core.sections.models import Section
    from tests.publishing.test_pages import new_article

    with app.app_context(), activate_tenant(two_sites[0].id):
        news_section = db.session.execute(select(Section.id).where(Section.slug == "news")).scalar_one()

    client, _ = signed_in("rsj.localhost", "rsj.col", site=two_sites[0], roles=["collector"])
    created = new_article(client, news_section, title="供暖通知")
    item = created.headers["Location"]
    assert post_form(client, f"{item}/step", {"action": "submit", "comment": ""}, form_path=item).status_code == 302
    html = client.get(item).get_data(as_text=True)
    trail = html[html.index('id="history-title"'):]
    assert "新建稿件" in trail and "提交稿件" in trail
    assert "原状态：</span>采集中" in trail and "新状态：</span>编辑中" in trail
    assert "article.submit<" not in trail and '"from"' not in trail and "collecting" not in trail


def test_codes_that_reached_the_chinese_log_are_words(app, two_sites):
    """Reasons, a correction's states, a section's address and a calendar day read as words, not codes."""
    from core.audit.describe import detail_pairs, target_text

    def entry(action, target="", **detail):
        return AuditEntry(action=action, target=target, detail=json.dumps(detail, ensure_ascii=False))

    with app.test_request_context(headers={"Cookie": "lang=zh_CN"}), activate_tenant(two_sites[0].id):
        pairs = dict(detail_pairs(entry("login.failure", reason="no such account here")))
        assert "no such account here" not in "".join(pairs.values())
        pairs = dict(detail_pairs(entry("article.change_start", **{"from": "none", "to": "editing"})))
        assert "none" not in "".join(pairs.values())
        pairs = dict(detail_pairs(entry("article.change_publish", **{"from": "approved", "to": "live"})))
        assert "live" not in "".join(pairs.values())
        assert "工作动态" in "".join(dict(detail_pairs(entry("article.create", section="news"))).values())
        assert target_text(entry("calendar.set_day", "calendar:2027-02-08")) == "2027-02-08"
