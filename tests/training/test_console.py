"""The bureau's pages: making material (refusals keep the input, write nothing), publishing, the figures per site
with the chart, the examples; who may do what."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from core.auth.models import User
from core.extensions import db
from core.training.files import training_folder
from core.training.models import GoodPractice, TrainingMaterial
from core.training.operations import acknowledge
from tenants.models import Tenant
from tenants.scoping import activate_tenant
from tests.fixtures.accounts import csrf_token, login, post_form
from tests.fixtures.console import PLATFORM, field_value, is_invalid
from tests.training.conftest import PDF, make_material, run

FORM = {"title": "网络安全培训", "description": "口令、钓鱼邮件与暗链。", "due_on": "2026-12-31",
        "role_scope": "chosen", "roles": ["editor", "publisher"], "site_scope": "all", "group": ""}


def _count(app, model=TrainingMaterial):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _stored_files(app):
    with app.app_context():
        folder = training_folder()
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _post_new(client, data, files=()):
    page = client.get("/platform/training/new")
    payload = {**data, "csrf_token": csrf_token(page.get_data(as_text=True)),
               "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/platform/training/new", data=payload, content_type="multipart/form-data")


def test_the_bureau_makes_publishes_and_withdraws_material(app, town, admin):
    before = len(_stored_files(app))  # the folder is the session's: earlier tests' files are there too
    response = _post_new(admin, FORM, [("网络安全培训.pdf", PDF), ("要点.txt", "一、口令要复杂。\n".encode())])
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        material = db.session.execute(select(TrainingMaterial)).scalar_one()
        assert (material.status, material.role_list, sorted(f.filename for f in material.files)) == \
            ("draft", ["editor", "publisher"], ["网络安全培训.pdf", "要点.txt"])
        material_id = material.id
    assert len(_stored_files(app)) == before + 2
    assert run(app, "training.distribute")["people"] == 0  # a draft reaches nobody
    page = f"/platform/training/{material_id}"
    assert post_form(admin, f"{page}/publish", {}, form_path=page).status_code == 302
    assert run(app, "training.distribute")["people"] == 5  # editors and publishers of rsj, czj and jtj
    assert post_form(admin, f"{page}/withdraw", {}, form_path=page).status_code == 302
    with app.app_context():
        assert db.session.get(TrainingMaterial, material_id).status == "withdrawn"


def test_refusals_keep_the_input_and_write_nothing(app, town, admin):
    before = _stored_files(app)
    missing_title = _post_new(admin, {**FORM, "title": ""}, [("网络安全培训.pdf", PDF)])
    html = missing_title.get_data(as_text=True)
    assert missing_title.status_code == 200 and is_invalid(html, "title")
    assert field_value(html, "description") == FORM["description"] and field_value(html, "due_on") == "2026-12-31"
    assert 'value="editor" checked' in html or re.search(r'checked[^>]*value="editor"', html)

    bad_day = _post_new(admin, {**FORM, "due_on": "2026-02-30"}, [("网络安全培训.pdf", PDF)]).get_data(as_text=True)
    assert is_invalid(bad_day, "due_on") and field_value(bad_day, "title") == FORM["title"]
    past = _post_new(admin, {**FORM, "due_on": "2020-01-01"}, [("网络安全培训.pdf", PDF)]).get_data(as_text=True)
    assert "那一天已经过去" in past and field_value(past, "title") == FORM["title"]

    for name, content, reason in (("setup.exe", b"MZ\x90\x00", "不接受“exe”类型的文件"),
                                  ("课件.pdf", b"<html><script>alert(1)</script></html>", "不是真正的 PDF 文件"),
                                  ("空白.pdf", b"", "是空文件")):
        refused = _post_new(admin, FORM, [("网络安全培训.pdf", PDF), (name, content)]).get_data(as_text=True)
        assert reason in refused, name
        assert field_value(refused, "title") == FORM["title"]
    no_roles = _post_new(admin, {**FORM, "roles": []}, [("网络安全培训.pdf", PDF)]).get_data(as_text=True)
    assert "至少选择一个角色" in no_roles
    no_sites = _post_new(admin, {**FORM, "site_scope": "sites"}, [("网络安全培训.pdf", PDF)]).get_data(as_text=True)
    assert "至少勾选一个站点" in no_sites
    assert _count(app) == 0 and _stored_files(app) == before  # nothing written, not even the good file


def test_publishing_needs_a_file(app, town, admin):
    material = make_material(app, town.bureau, publish=False, uploads=[])
    page = f"/platform/training/{material}"
    response = post_form(admin, f"{page}/publish", {}, form_path=page)
    assert response.status_code == 302
    assert "发布前请至少添加一个文件" in admin.get(page).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TrainingMaterial, material).status == "draft"


def test_the_figures_per_site_with_the_people_and_the_chart(app, town, admin):
    material = make_material(app, town.bureau, all_roles=False, roles=["editor"], site_scope="sites",
                             site_ids=[town.rsj.id, town.czj.id])
    run(app, "training.distribute")
    with app.app_context():
        for site, name in ((town.rsj, "rsj.editor"), (town.czj, "czj.editor"), (town.rsj, "both.editor")):
            with activate_tenant(site.id):
                acknowledge(db.session.get(TrainingMaterial, material), user=db.session.get(User, town.people[name]),
                            roles={"editor"}, site=db.session.get(Tenant, site.id))
        db.session.commit()
    html = admin.get(f"/platform/training/{material}").get_data(as_text=True)
    rows = {m.group(1): [int(n) for n in re.findall(r'<td class="n"[^>]*>(?:<strong class="gap">)?(\d+)', m.group(2))]
            for m in re.finditer(r"<summary>([^<]+)</summary>(.*?)</tr>", html, re.S)}
    # rsj: rsj.editor, rsj.publisher (also an editor), both.editor; two acknowledged. czj: czj.editor, both.editor.
    assert rows == {"廊坊市人事局": [3, 2, 1, 67], "廊坊市财政局": [2, 2, 0, 100]}  # the last: the share in %
    assert re.search(r"<dd>3 \(75%\)</dd>", html)  # four people, three acknowledged: each person once
    assert '<svg role="img"' in html and "chart-training" in html and "<script" not in html.split("<main")[1]


def test_good_practice_examples_by_the_bureau(app, town, admin, create_article_in):
    article = create_article_in(town.czj, "news", "财政局政务公开专栏改版")
    page = admin.get("/platform/training/examples").get_data(as_text=True)
    assert "尚无优秀案例" in page
    refused = post_form(admin, "/platform/training/examples", {"site": str(town.rsj.id), "item": str(article),
                                                                "note": "值得学习。"})
    assert "该站点没有这个编号的已发布信息" in refused.get_data(as_text=True) and _count(app, GoodPractice) == 0
    done = post_form(admin, "/platform/training/examples", {"site": str(town.czj.id),
                                                             "item": f"http://czj.localhost/articles/{article}",
                                                             "note": "栏目分类清晰，更新及时。"})
    assert done.status_code == 302
    listed = admin.get("/platform/training/examples").get_data(as_text=True)
    assert "财政局政务公开专栏改版" in listed and f'href="http://czj.localhost/articles/{article}"' in listed


def test_the_evaluator_reads_and_cannot_change(app, town, evaluator):
    material = make_material(app, town.bureau)
    for path in ("/platform/training/", "/platform/training/new", f"/platform/training/{material}",
                 f"/platform/training/{material}/edit", "/platform/training/examples"):
        response = evaluator.get(path)
        assert response.status_code == 200, path
        assert 'method="post"' not in response.get_data(as_text=True).split("<main")[1], path
        main = response.get_data(as_text=True).split("<main")[1]
        assert "编辑资料" not in main and "编辑：" not in main, path  # nothing offers a change
    for path in (f"/platform/training/{material}/withdraw", "/platform/training/new", "/platform/training/examples"):
        assert post_form(evaluator, path, {"title": "改", "note": "x"}, form_path="/platform/").status_code == 403
    with app.app_context():
        assert db.session.get(TrainingMaterial, material).status == "published"


def test_site_staff_do_not_reach_the_console_pages(app, town, signed_in, create_account, client_for):
    material = make_material(app, town.bureau)
    client, _ = signed_in(town.rsj.host, "zhou.siteadmin", site=town.rsj, roles=["site_admin"])
    for path in ("/platform/training/", f"/platform/training/{material}", "/platform/training/examples"):
        assert client.get(path).status_code == 404, path
    account = create_account("li.siteadmin", site=town.rsj, roles=["site_admin"])
    console = client_for(PLATFORM)
    assert login(console, account).status_code == 200  # the sign-in form again: refused
    assert console.get("/platform/training/").status_code == 302
