"""The distribution job: exactly the audience (roles × sites), each person once, and those who join it later."""
from __future__ import annotations

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from core.auth.operations import create_user
from tenants.models import SiteGroup
from tenants.scoping import activate_tenant
from tests.training.conftest import change_material, grant, make_material, received, run


def _ids(town, *names):
    return {town.people[name] for name in names}


def _group_id(app, key):
    with app.app_context():
        return db.session.execute(select(SiteGroup.id).where(SiteGroup.key == key)).scalar_one()


def test_the_audience_is_exactly_the_roles_on_the_sites(app, town):
    editors = make_material(app, town.bureau, title="编辑培训", all_roles=False, roles=["editor"], site_scope="sites",
                            site_ids=[town.rsj.id, town.czj.id])
    everyone = make_material(app, town.bureau, title="网络安全培训")
    counties = make_material(app, town.bureau, title="县区培训", site_scope="group",
                             group_id=_group_id(app, "counties"))
    admins = make_material(app, town.bureau, title="管理员培训", all_roles=False, roles=["site_admin", "collector"],
                           site_scope="group", group_id=_group_id(app, "general"))
    draft = make_material(app, town.bureau, title="草稿", publish=False)
    run(app, "training.distribute")

    # Editors of rsj and czj: the publisher who is also an editor, the person on both sites (once); not jtj's
    # editor (another site), not the locked account, not the collectors.
    assert set(received(app, f"training:{editors}")) == _ids(town, "rsj.editor", "rsj.publisher", "czj.editor",
                                                             "both.editor")
    assert set(received(app, f"training:{everyone}")) == set(town.people.values()) - _ids(town, "locked.editor")
    assert set(received(app, f"training:{counties}")) == _ids(town, "jtj.editor")
    assert set(received(app, f"training:{admins}")) == _ids(town, "rsj.admin", "rsj.collector", "czj.collector")
    assert received(app, f"training:{draft}") == {}
    # The platform's own people are no site's audience.
    assert town.bureau not in received(app, f"training:{everyone}")


def test_a_person_on_two_sites_gets_it_once_with_a_link_to_a_site_where_they_are_its_audience(app, town):
    material = make_material(app, town.bureau, all_roles=False, roles=["editor"], site_scope="sites",
                             site_ids=[town.czj.id, town.jtj.id])
    run(app, "training.distribute")
    messages = received(app, f"training:{material}")
    both = messages[town.people["both.editor"]]
    assert both.link == f"http://czj.localhost/admin/training/{material}"  # not rsj: the material is not for rsj
    assert messages[town.people["jtj.editor"]].link == f"http://jtj.localhost/admin/training/{material}"
    assert both.kind == "training" and "检查指标" in both.subject and "指标逐条解读" in both.body


def test_people_who_join_the_audience_later_get_it_on_the_next_run(app, town, create_account):
    material = make_material(app, town.bureau, all_roles=False, roles=["editor"], site_scope="sites",
                             site_ids=[town.rsj.id, town.czj.id])
    assert run(app, "training.distribute")["people"] == 4
    first = received(app, f"training:{material}")

    newcomer = create_account("rsj.neweditor", site=town.rsj, roles=["editor"])  # a new account with the role
    grant(app, town.czj, town.people["czj.collector"], "editor")  # a new role on a site of the audience
    change_material(app, town.bureau, material, site_ids=[town.rsj.id, town.czj.id, town.jtj.id])  # a site added
    with app.app_context(), activate_tenant(town.jtj.id):
        create_user(username="jtj.collector", display_name="交通局采集员", password="Correct-Horse-42",
                    roles=["collector"])  # not an editor: still outside
        db.session.commit()
    assert run(app, "training.distribute")["people"] == 3
    now = received(app, f"training:{material}")
    assert set(now) - set(first) == {newcomer.id, town.people["czj.collector"], town.people["jtj.editor"]}
    assert all(now[user_id].created_at == first[user_id].created_at for user_id in first)  # nobody got it twice
    assert run(app, "training.distribute")["people"] == 0


def test_a_withdrawn_material_reaches_nobody_new_and_a_suspended_site_is_left_out(app, town, create_account):
    from core.training.models import TrainingMaterial
    from core.training.operations import withdraw_material
    from tenants.models import Tenant

    material = make_material(app, town.bureau)
    with app.app_context():
        db.session.get(Tenant, town.jtj.id).status = "suspended"
        db.session.commit()
    run(app, "training.distribute")
    assert town.people["jtj.editor"] not in received(app, f"training:{material}")
    with app.app_context():
        withdraw_material(db.session.get(TrainingMaterial, material), actor=db.session.get(User, town.bureau))
        db.session.commit()
    late = create_account("rsj.late", site=town.rsj, roles=["editor"])
    run(app, "training.distribute")
    assert late.id not in received(app, f"training:{material}")


def test_it_goes_by_e_mail_to_a_person_with_an_address_in_their_language(app, town, smtp_server):
    with app.app_context():
        editor = db.session.get(User, town.people["rsj.editor"])
        editor.email, editor.language = "editor@rsj.example.gov.cn", "en"
        db.session.get(User, town.people["czj.editor"]).email = "editor@czj.example.gov.cn"
        db.session.commit()
    material = make_material(app, town.bureau, all_roles=False, roles=["editor"], site_scope="sites",
                             site_ids=[town.rsj.id, town.czj.id])
    run(app, "training.distribute")
    run(app, "inbox.send_mail")
    by_address = {mail.to[0]: mail for mail in smtp_server.received}
    assert set(by_address) == {"editor@rsj.example.gov.cn", "editor@czj.example.gov.cn"}
    english, chinese = by_address["editor@rsj.example.gov.cn"], by_address["editor@czj.example.gov.cn"]
    assert english.subject == "Training material: 《政府网站与政务新媒体检查指标》解读"
    assert "Please read it by December 22, 2026" in english.body
    assert f"http://rsj.localhost/admin/training/{material}" in english.body
    assert chinese.subject == "培训资料：《政府网站与政务新媒体检查指标》解读"
    assert "2026年12月22日" in chinese.body and f"http://czj.localhost/admin/training/{material}" in chinese.body
    run(app, "inbox.send_mail")
    run(app, "training.distribute")
    run(app, "inbox.send_mail")
    assert len(smtp_server.received) == 2  # once
