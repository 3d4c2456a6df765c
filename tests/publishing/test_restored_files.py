"""A file brought back by restoring a revision keeps its id: its public link works again, and it keeps its place."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.content.files import Upload
from core.content.models import Attachment
from core.extensions import db
from core.publishing.operations import restore_revision
from tenants.scoping import activate_tenant
from tests.publishing.test_corrections import change, save
from tests.publishing.test_workflow import FIELDS, draft, step

FILES = [Upload("报名表.pdf", b"%PDF form"), Upload("岗位表.pdf", b"%PDF posts"), Upload("说明.pdf", b"%PDF notes")]


def _files(app, site, article_id) -> list[tuple[int, str]]:
    with app.app_context(), activate_tenant(site.id):
        return [(a.id, a.filename) for a in db.session.execute(
            select(Attachment).where(Attachment.article_id == article_id).order_by(Attachment.id)).scalars()]


def _with_files(act, staff, news_section) -> int:
    article = draft(act, staff, news_section)
    save(act, staff["collector"], article, FIELDS, uploads=FILES[:1])
    save(act, staff["collector"], article, FIELDS, uploads=FILES[1:2])
    save(act, staff["collector"], article, FIELDS, uploads=FILES[2:])
    return article


def test_a_restored_file_keeps_its_id_and_its_place_in_the_list(app, two_sites, staff, act, news_section):
    rsj = two_sites[0]
    article = _with_files(act, staff, news_section)
    before = _files(app, rsj, article)
    assert [name for _, name in before] == ["报名表.pdf", "岗位表.pdf", "说明.pdf"]
    with app.app_context(), activate_tenant(rsj.id):
        stored = db.session.get(Attachment, before[0][0]).stored_name
    save(act, staff["collector"], article, FIELDS, remove_attachments=[stored])  # revision 5: without the first
    assert _files(app, rsj, article) == before[1:]
    act(staff["collector"], lambda u, a: restore_revision(a, 4, actor=u), article)
    assert _files(app, rsj, article) == before


def test_the_old_public_link_of_a_restored_file_works_again(app, two_sites, staff, act, news_section, client_for):
    rsj = two_sites[0]
    article = _with_files(act, staff, news_section)
    for action, role in (("submit", "collector"), ("submit", "editor"), ("approve", "reviewer"),
                         ("publish", "publisher")):
        step(act, staff[role], article, action)
    site = client_for("rsj.localhost")
    page = site.get(f"/articles/{article}").get_data(as_text=True)
    links = re.findall(r'href="(/attachments/\d+/[^"]+)"', page)
    assert len(links) == 3
    first_id = _files(app, rsj, article)[0][0]
    with app.app_context(), activate_tenant(rsj.id):
        stored = db.session.get(Attachment, first_id).stored_name
    # A correction takes the first file off; published, its link is gone.
    change(act, staff["publisher"], article, "change_start")
    save(act, staff["publisher"], article, FIELDS, remove_attachments=[stored])
    change(act, staff["publisher"], article, "change_force_publish", comment="报名表有误，先撤下")
    assert site.get(links[0]).status_code == 404
    # Restoring the revision that had it, and publishing that, brings the same link back.
    act(staff["publisher"], lambda u, a: restore_revision(a, 4, actor=u), article)
    change(act, staff["publisher"], article, "change_force_publish", comment="报名表已核实，恢复")
    download = site.get(links[0])
    assert download.status_code == 200 and download.data == b"%PDF form"
    download.close()
    again = site.get(f"/articles/{article}").get_data(as_text=True)
    assert re.findall(r'href="(/attachments/\d+/[^"]+)"', again) == links  # same links, same order


def test_when_another_row_holds_the_old_id_the_file_comes_back_under_a_new_one(app, two_sites, staff, act,
                                                                               news_section):
    rsj = two_sites[0]
    article = _with_files(act, staff, news_section)
    before = _files(app, rsj, article)
    other = draft(act, staff, news_section, title="另一条信息")
    with app.app_context(), activate_tenant(rsj.id):
        first = db.session.get(Attachment, before[0][0])
        stored = first.stored_name
    save(act, staff["collector"], article, FIELDS, remove_attachments=[stored])
    with app.app_context(), activate_tenant(rsj.id):  # as a database that hands out freed ids again would
        db.session.add(Attachment(id=before[0][0], article_id=other, filename="别的文件.pdf", stored_name="x" * 32 + ".pdf",
                                  content_type="application/pdf", size=3))
        db.session.commit()
    act(staff["collector"], lambda u, a: restore_revision(a, 4, actor=u), article)
    after = _files(app, rsj, article)
    assert after[:2] == before[1:] and after[2][1] == "报名表.pdf" and after[2][0] > before[2][0]
    assert _files(app, rsj, other) == [(before[0][0], "别的文件.pdf")]  # untouched
