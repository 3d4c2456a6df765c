"""Who reaches the console: platform administrators change, evaluators read, nobody else gets in."""
from __future__ import annotations

import pytest

from tests.fixtures.accounts import login, post_form
from tests.fixtures.console import PLATFORM, snapshot

#: Every console page, as paths built from the `city` fixture.
PAGES = (
    "/platform/",
    "/platform/?q=rsj&status=active",
    "/platform/sites/new",
    "/platform/sites/catalog",
    "/platform/sites/{rsj}",
    "/platform/sites/{rsj}/export",
    "/platform/sites/{rsj}/delete",
    "/platform/sites/import",
    "/platform/enter/{rsj}",
    "/platform/sections",
    "/platform/sections/{section}",
    "/platform/categories",
    "/platform/categories/{category}",
    "/platform/subjects",
    "/platform/subjects/{subject}",
    "/platform/disclosure/coverage",
    "/platform/disclosure/interpretations",
    "/platform/disclosure/reports",
    "/platform/disclosure/reports?year=2024",
    "/platform/website-reports",
    "/platform/website-reports?year=2024",
    "/platform/users",
    "/platform/users?q=wang",
    "/platform/audit",
    "/platform/jobs",
    "/platform/backups",
    "/platform/audit?site={rsj}",
    "/platform/mourning",
    "/platform/notices",
    "/platform/calendar",
    "/platform/calendar/{year}",
    "/platform/services/catalogue",
    "/platform/services/catalogue/template.xlsx",
    "/platform/services/catalogue/template.csv",
    "/platform/services/sites/{rsj}",
    "/platform/services/requests",
    "/platform/services/stats",
    "/platform/services/stats?months=12",
    "/platform/services/stats.csv",
    "/platform/services/stats.xlsx",
    "/platform/services/coverage",
    "/platform/services/coverage?show=flagged",
    "/platform/services/coverage.csv",
    "/platform/services/coverage.xlsx",
    "/platform/interaction/letters",
    "/platform/interaction/stats",
    "/platform/interaction/stats?months=12&sort=on_time",
    "/platform/interaction/stats.csv",
    "/platform/interaction/stats.csv?table=mailboxes",
    "/platform/interaction/stats.xlsx",
    "/platform/security",
    "/platform/security?state=all&severity=high",
    "/platform/security/findings/{finding}",
    "/platform/security/site-findings/{site_finding}",
    "/platform/security/words",
    "/platform/security/hosts",
    "/platform/training/",
    "/platform/training/new",
    "/platform/training/{training}",
    "/platform/training/{training}/edit",
    "/platform/training/files/{training_file}",
    "/platform/training/examples",
    "/platform/evaluation",
    "/platform/evaluation?group=county",
    "/platform/evaluation.csv",
    "/platform/evaluation.xlsx",
    "/platform/evaluation.pdf",
    "/platform/evaluation/sites/{rsj}",
    "/platform/evaluation/settings",
    "/platform/visits",
    "/platform/visits?days=365&group=general&sort=visitors",
    "/platform/search/",
    "/platform/search/?days=365",
    "/platform/search/synonyms/{synonyms}",
)
#: Every change the console makes, with data that would succeed for an administrator.
ACTIONS = (
    ("/platform/sites/new", {"slug": "jtj", "name_zh": "廊坊市交通局", "name_en": "Langfang Transport Bureau",
                             "kind": "department", "group": "general", "accent": "red"}),
    ("/platform/sites/catalog/ldj", {}),
    ("/platform/sites/{rsj}/domains", {"hostname": "rsj2.localhost"}),
    ("/platform/sites/{rsj}/domains/remove", {"hostname": "renshi.localhost"}),
    ("/platform/sites/{rsj}/suspend", {"reason": "系统升级"}),
    ("/platform/sites/{rsj}/resume", {}),
    ("/platform/sites/{rsj}/mourning", {"start": "1"}),
    ("/platform/sites/{rsj}/export", {"passphrase": "blue moon over the old locust tree",
                                      "passphrase_again": "blue moon over the old locust tree"}),
    ("/platform/sites/{rsj}/delete", {"confirm_slug": "rsj"}),
    ("/platform/sites/import", {"slug": "rsj2", "domain": "rsj2.localhost"}),
    ("/platform/sections", {"key": "guide", "name_zh": "办事指引", "name_en": "Guide", "kind": "article_list"}),
    ("/platform/sections/defaults", {}),
    ("/platform/sections/{section}", {"name_zh": "部门动态", "name_en": "Department news", "kind": "article_list",
                                      "in_nav": "y"}),
    ("/platform/sections/{section}/delete", {"confirm": "y"}),
    ("/platform/sections/{section}/move", {"direction": "down"}),
    ("/platform/categories", {"name_zh": "政策解读", "name_en": "Policy interpretation"}),
    ("/platform/categories/defaults", {}),
    ("/platform/categories/{category}", {"name_zh": "机构职能", "name_en": "Functions"}),
    ("/platform/categories/{category}/delete", {}),
    ("/platform/categories/{category}/move", {"direction": "down"}),
    ("/platform/subjects", {"name_zh": "政务督查", "name_en": "Inspection"}),
    ("/platform/subjects/defaults", {}),
    ("/platform/subjects/{subject}", {"name_zh": "综合政务类", "name_en": "General"}),
    ("/platform/subjects/{subject}/delete", {}),
    ("/platform/subjects/{subject}/move", {"direction": "down"}),
    ("/platform/users/{editor}/reset-password", {}),
    ("/platform/users/{editor}/lock", {}),
    ("/platform/users/{editor}/unlock", {}),
    ("/platform/mourning", {"start": "1"}),
    ("/platform/notices", {"title": "关于国庆节放假的通知", "body": "全市放假七天。"}),
    ("/platform/calendar/{year}", {"day": "2026-12-31", "kind": "holiday", "name_zh": "元旦"}),
    ("/platform/calendar/{year}/load", {}),
    ("/platform/calendar/{year}/confirm", {}),
    ("/platform/calendar/day/{day}/clear", {}),
    ("/platform/services/catalogue", {}),  # the import (its file is posted in tests/services/test_catalogue.py)
    ("/platform/services/requests/{request}/approve", {}),
    ("/platform/services/requests/{request}/refuse", {"answer": "编委未调整该事项"}),
    ("/platform/interaction/letters", {"reply_days": "7"}),
    ("/platform/security/findings/{finding}", {"reason": "调试模式仅在演示环境开启"}),
    ("/platform/security/words", {"forbidden": "赌博", "wrong": "国务院办公室 => 国务院办公厅"}),
    ("/platform/security/hosts", {"hosts": "gov.cn"}),
    ("/platform/training/new", {"title": "信息发布审核规范", "due_on": "2099-12-31", "role_scope": "all",
                                "site_scope": "all"}),  # with its file in tests/training/test_console.py
    ("/platform/training/{training}/edit", {"title": "网络安全培训（修订）", "due_on": "2099-12-31",
                                            "role_scope": "all", "site_scope": "all"}),
    ("/platform/training/{training}/withdraw", {}),
    ("/platform/training/{training}/publish", {}),
    ("/platform/training/files/{training_file}/remove", {}),
    ("/platform/training/examples", {"site": "1", "note": "栏目清晰。"}),
    ("/platform/training/examples/{example}/remove", {}),
    ("/platform/evaluation/snapshot", {}),
    ("/platform/evaluation/settings", {"homepage_days": "10"}),
    ("/platform/backups/back-up-now", {}),
    ("/platform/backups/verify-now", {}),
    ("/platform/search/", {"words": "医保 医疗保险"}),
    ("/platform/search/synonyms/{synonyms}", {"words": "社保 社会保险 社会保障"}),
    ("/platform/search/synonyms/{synonyms}/delete", {}),
)


def _fill(path: str, city) -> str:
    return path.format(rsj=city.rsj.id, section=city.section_id, category=city.category_id, subject=city.subject_id,
                       editor=city.editor_id,
                       year=2026, day="2026-02-14", request=city.request_id, finding=city.platform_finding_id,
                       training=city.training_id, training_file=city.training_file_id, example=city.example_id,
                       site_finding=city.site_finding_id, synonyms=city.synonyms_id)


def test_every_console_route_is_covered_here(app):
    """A new console route fails this test until its access is tested above."""
    import re

    covered = {re.sub(r"\{\w+\}", "<>", p.split("?")[0]) for p in PAGES} | \
              {re.sub(r"\{\w+\}|ldj", "<>", p) for p, _ in ACTIONS}
    from core.web.routes import RULES

    routes = {re.sub(r"<[^>]+>", "<>", r.rule) for r in app.url_map.iter_rules() if RULES[r.endpoint].host == "platform"}
    assert routes - covered == set()


def test_anonymous_visitors_are_sent_to_the_login(city, client_for):
    client = client_for(PLATFORM)
    for path in PAGES:
        response = client.get(_fill(path, city))
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login"), path


def test_anonymous_posts_are_sent_to_the_login_and_change_nothing(app, city, client_for):
    client = client_for(PLATFORM)
    before = snapshot(app)
    for path, data in ACTIONS:
        response = post_form(client, _fill(path, city), data, form_path="/admin/login")
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login"), path
    assert snapshot(app) == before


def test_site_staff_cannot_sign_in_on_the_platform_host(app, city, create_account, client_for):
    for username, roles in (("zhou.siteadmin", ["site_admin"]), ("zhou.editor", ["editor", "publisher"])):
        account = create_account(username, site=city.rsj, roles=roles)
        client = client_for(PLATFORM)
        assert login(client, account).status_code == 200  # the form again: refused
        response = client.get("/platform/")
        assert response.status_code == 302 and response.headers["Location"].startswith("/admin/login")


def test_a_site_session_means_nothing_on_the_platform_host(city, signed_in, client_for):
    client, _ = signed_in(city.rsj.host, "zhou.siteadmin", site=city.rsj, roles=["site_admin"])
    cookie = client.client.get_cookie("session", domain=city.rsj.host)
    other = client_for(PLATFORM)
    other.client.set_cookie("session", cookie.value, domain=PLATFORM)
    assert other.get("/platform/").status_code == 302


def test_the_evaluator_reads_every_page(city, evaluator):
    for path in PAGES:
        response = evaluator.get(_fill(path, city))
        assert response.status_code == 200, path
        if response.mimetype == "text/html":  # not the downloads (a catalogue template, a spreadsheet)
            assert 'action="/platform/' not in response.get_data(as_text=True), path  # no change buttons shown


def test_the_evaluator_cannot_change_anything(app, city, evaluator):
    before = snapshot(app)
    for path, data in ACTIONS:
        response = post_form(evaluator, _fill(path, city), data, form_path="/platform/")
        assert response.status_code == 403, path
    assert snapshot(app) == before


def test_the_administrator_reads_every_page(city, admin):
    for path in PAGES:
        assert admin.get(_fill(path, city)).status_code == 200, path


@pytest.mark.parametrize("host", ["rsj.localhost", "localhost"])
def test_console_routes_do_not_exist_on_a_site_or_the_portal(city, signed_in, client_for, host):
    if host == "rsj.localhost":
        client, _ = signed_in(host, "zhou.siteadmin", site=city.rsj, roles=["site_admin"])
    else:
        client = client_for(host)
    for path in PAGES:
        assert client.get(_fill(path, city)).status_code == 404, (host, path)


def test_console_posts_answer_404_on_a_site_host(app, city, signed_in):
    client, _ = signed_in("rsj.localhost", "zhou.siteadmin", site=city.rsj, roles=["site_admin"])
    before = snapshot(app)
    for path, data in ACTIONS:
        response = post_form(client, _fill(path, city), data, form_path="/admin/")
        assert response.status_code == 404, path
    assert snapshot(app) == before


def test_a_post_without_its_csrf_token_is_refused(app, city, admin):
    before = snapshot(app)
    response = admin.post(f"/platform/sites/{city.rsj.id}/suspend", data={"reason": "x"})
    assert response.status_code == 400
    assert snapshot(app) == before


def test_the_menu_lists_the_console_pages(city, admin):
    html = admin.get("/platform/").get_data(as_text=True)
    for path in ("/platform/sections", "/platform/categories", "/platform/users", "/platform/notices",
                 "/platform/mourning", "/platform/audit"):
        assert f'href="{path}"' in html


def test_the_console_hosts_root_leads_to_the_console(admin, client_for):
    """`admin.<domain>/` is the console's address people type: it sends them to /platform/ (and from there, when
    not signed in, to the sign-in), never a 404."""
    response = admin.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/platform/"
    assert admin.get(response.headers["Location"]).status_code == 200
    anonymous = client_for(PLATFORM)
    response = anonymous.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/platform/"
    assert anonymous.get("/platform/").headers["Location"].startswith("/admin/login")
