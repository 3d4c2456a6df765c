"""The recipients' pages on a site's admin: their materials, the files, "I have read it" (once), nobody else's."""
from __future__ import annotations

from sqlalchemy import select

from core.audit.models import AuditEntry
from core.extensions import db
from core.inbox.models import InboxMessage
from core.training.models import TrainingAcknowledgement, TrainingFile
from tests.fixtures.accounts import post_form
from tests.training.conftest import PDF, make_material, pdf, run


def _file_id(app, material_id):
    with app.app_context():
        return db.session.execute(select(TrainingFile.id).where(TrainingFile.material_id == material_id)).scalar()


def _acknowledgements(app, material_id):
    with app.app_context():
        return list(db.session.execute(select(TrainingAcknowledgement.user_id)
                                       .where(TrainingAcknowledgement.material_id == material_id)).scalars())


def test_a_recipient_reads_downloads_and_acknowledges_once(app, town, signed_in):
    client, me = signed_in(town.rsj.host, "wang.editor", site=town.rsj, roles=["editor"])
    old = make_material(app, town.bureau, title="信息发布审核规范")
    material = make_material(app, town.bureau, title="网络安全培训", all_roles=False, roles=["editor"],
                             uploads=[pdf("网络安全培训.pdf"), pdf("附件.pdf")])
    other = make_material(app, town.bureau, title="采集员培训", all_roles=False, roles=["collector"])
    run(app, "training.distribute")
    post_form(client, f"/admin/training/{old}/acknowledge", {}, form_path=f"/admin/training/{old}")

    page = client.get("/admin/training/").get_data(as_text=True)
    assert "网络安全培训" in page and "信息发布审核规范" in page and "采集员培训" not in page
    assert page.index("网络安全培训") < page.index("信息发布审核规范")  # the one still to read comes first
    opened = client.get(f"/admin/training/{material}")
    assert opened.status_code == 200 and "我已阅读" in opened.get_data(as_text=True)
    with app.app_context():  # opening it marked its inbox message read
        message = db.session.execute(select(InboxMessage).where(InboxMessage.key == f"training:{material}",
                                                                InboxMessage.user_id == me.id)).scalar_one()
        assert message.read_at is not None

    download = client.get(f"/admin/training/{material}/files/{_file_id(app, material)}")
    assert download.status_code == 200 and download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get(f"/admin/training/{other}").status_code == 404
    assert client.get(f"/admin/training/{other}/files/{_file_id(app, other)}").status_code == 404
    assert client.get(f"/admin/training/{material}/files/{_file_id(app, other)}").status_code == 404

    for _ in range(2):
        response = post_form(client, f"/admin/training/{material}/acknowledge", {},
                             form_path=f"/admin/training/{material}")
        assert response.status_code == 302
    assert _acknowledgements(app, material) == [me.id]  # twice is once
    after = client.get(f"/admin/training/{material}").get_data(as_text=True)
    assert "您已于" in after and "我已阅读</button>" not in after
    with app.app_context():
        entries = list(db.session.execute(select(AuditEntry.action, AuditEntry.user_id).where(
            AuditEntry.action == "training.acknowledge").execution_options(all_tenants=True)).all())
    assert entries == [("training.acknowledge", me.id)] * 2  # one per material read, none for the repeat


def test_a_material_for_a_group_of_sites_shows_on_its_sites_only(app, town, signed_in):
    from sqlalchemy import select as query

    from tenants.models import SiteGroup

    with app.app_context():
        general = db.session.execute(query(SiteGroup.id).where(SiteGroup.key == "general")).scalar_one()
    material = make_material(app, town.bureau, title="信息发布审核规范", site_scope="group", group_id=general)
    inside, _ = signed_in(town.rsj.host, "rsj.editor2", site=town.rsj, roles=["editor"])
    assert "信息发布审核规范" in inside.get("/admin/training/").get_data(as_text=True)
    assert "待阅读" in inside.get("/admin/").get_data(as_text=True)  # the admin home's card counts it
    assert inside.get(f"/admin/training/{material}").status_code == 200
    outside, _ = signed_in(town.jtj.host, "jtj.editor2", site=town.jtj, roles=["editor"])  # the group "counties"
    assert "信息发布审核规范" not in outside.get("/admin/training/").get_data(as_text=True)
    assert outside.get(f"/admin/training/{material}").status_code == 404


def test_people_outside_the_audience_and_other_sites_get_404(app, town, signed_in):
    material = make_material(app, town.bureau, all_roles=False, roles=["editor"], site_scope="sites",
                             site_ids=[town.rsj.id])
    file_id = _file_id(app, material)
    collector, _ = signed_in(town.rsj.host, "rsj.collector2", site=town.rsj, roles=["collector"])
    for path in (f"/admin/training/{material}", f"/admin/training/{material}/files/{file_id}"):
        assert collector.get(path).status_code == 404
    assert post_form(collector, f"/admin/training/{material}/acknowledge", {},
                     form_path="/admin/training/").status_code == 404
    # An editor of another site: the material is not for czj, whatever the role.
    editor, _ = signed_in(town.czj.host, "czj.editor2", site=town.czj, roles=["editor"])
    for path in (f"/admin/training/{material}", f"/admin/training/{material}/files/{file_id}"):
        assert editor.get(path).status_code == 404
    assert "检查指标" not in editor.get("/admin/training/").get_data(as_text=True)
    assert _acknowledgements(app, material) == []


def test_the_bureau_reads_what_a_site_was_sent_but_does_not_acknowledge(app, town, signed_in):
    material = make_material(app, town.bureau, site_scope="sites", site_ids=[town.rsj.id])
    client, _ = signed_in(town.rsj.host, "zhao.evaluator", platform_role="evaluator", totp=True)
    page = client.get(f"/admin/training/{material}")
    assert page.status_code == 200 and "我已阅读</button>" not in page.get_data(as_text=True)
    assert client.get(f"/admin/training/{material}/files/{_file_id(app, material)}").status_code == 200
    response = post_form(client, f"/admin/training/{material}/acknowledge", {}, form_path=f"/admin/training/{material}")
    assert response.status_code == 403
    assert _acknowledgements(app, material) == []


def test_the_good_practice_examples_are_listed_with_links_to_the_public_pages(app, town, signed_in,
                                                                               create_article_in):
    from core.auth.models import User
    from core.training.operations import add_good_practice

    article = create_article_in(town.czj, "news", "财政局政务公开专栏改版")
    with app.app_context():
        actor = db.session.get(User, town.bureau)
        add_good_practice(actor=actor, site_id=town.czj.id, item=f"http://czj.localhost/articles/{article}",
                          note="栏目分类清晰，更新及时。")
        add_good_practice(actor=actor, site_id=town.jtj.id, note="首页重点突出。")
        db.session.commit()
    client, _ = signed_in(town.rsj.host, "wang.editor", site=town.rsj, roles=["editor"])
    page = client.get("/admin/training/").get_data(as_text=True)
    assert f'href="http://czj.localhost/articles/{article}"' in page and "栏目分类清晰" in page
    assert 'href="http://jtj.localhost/"' in page and "首页重点突出" in page
