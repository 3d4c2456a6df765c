"""Fixtures for training material: a small city with people in known roles, materials made as the bureau makes them."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.auth.models import Membership, User
from core.content.files import Upload
from core.extensions import db
from core.inbox.models import InboxMessage
from core.training.models import TrainingMaterial
from core.training.operations import create_material, publish_material, update_material
from jobs.runs import run_job
from tenants.provisioning import ensure_group
from tenants.scoping import activate_tenant

#: The day the bureau works in these tests (a Tuesday), and a due date three weeks on.
TODAY = date(2026, 12, 1)
DUE = date(2026, 12, 22)
NOW = datetime(2026, 12, 1, 10, 0)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "政府网站检查指标解读.pdf") -> Upload:
    return Upload(name, PDF, "application/pdf")


@dataclass
class Town:
    """Three sites (rsj and czj in the group "general", jtj in "counties") and their people, by name -> user id."""

    rsj: object
    czj: object
    jtj: object
    people: dict[str, int]
    bureau: int  # the platform administrator who makes the materials


@pytest.fixture
def town(app, two_sites, create_site, create_account):
    rsj, czj, _ = two_sites
    with app.app_context():
        ensure_group("counties", "县区", "Counties", 1)
        db.session.commit()
    jtj = create_site("jtj", name_zh="廊坊市交通局", name_en="Langfang Transport Bureau", group_key="counties")
    people = {
        "rsj.editor": create_account("rsj.editor", site=rsj, roles=["editor"]).id,
        "rsj.collector": create_account("rsj.collector", site=rsj, roles=["collector"]).id,
        "rsj.admin": create_account("rsj.admin", site=rsj, roles=["site_admin"]).id,
        "rsj.publisher": create_account("rsj.publisher", site=rsj, roles=["publisher", "editor"]).id,
        "czj.editor": create_account("czj.editor", site=czj, roles=["editor"]).id,
        "czj.collector": create_account("czj.collector", site=czj, roles=["collector"]).id,
        "jtj.editor": create_account("jtj.editor", site=jtj, roles=["editor"]).id,
        "locked.editor": create_account("locked.editor", site=rsj, roles=["editor"]).id,
        "both.editor": create_account("both.editor", site=rsj, roles=["editor"]).id,
    }
    grant(app, czj, people["both.editor"], "editor")
    with app.app_context():
        db.session.get(User, people["locked.editor"]).is_locked = True
        db.session.commit()
    bureau = create_account("chen.bureau", platform_role="platform_admin", totp=True).id
    return Town(rsj, czj, jtj, people, bureau)


def grant(app, site, user_id: int, role: str) -> None:
    """Give a person one more role on a site."""
    with app.app_context(), activate_tenant(site.id):
        db.session.add(Membership(user_id=user_id, role=role))
        db.session.commit()


def make_material(app, actor_id: int, *, title: str = "《政府网站与政务新媒体检查指标》解读", publish: bool = True,
                  due_on: date = DUE, today: date = TODAY, uploads=None, **audience) -> int:
    """A material as the bureau saves it (and publishes it, unless `publish=False`); returns its id."""
    with app.app_context():
        actor = db.session.get(User, actor_id)
        material = create_material(actor=actor, title=title, description="指标逐条解读。", due_on=due_on,
                                   uploads=[pdf()] if uploads is None else uploads, today=today, **audience)
        if publish:
            publish_material(material, actor=actor, today=today)
        db.session.commit()
        material_id = material.id
        db.session.remove()
        return material_id


def change_material(app, actor_id: int, material_id: int, **values) -> None:
    with app.app_context():
        material = db.session.get(TrainingMaterial, material_id)
        current = dict(title=material.title, description=material.description, due_on=material.due_on,
                       all_roles=material.all_roles, roles=material.role_list, site_scope=material.site_scope,
                       group_id=material.group_id, site_ids=material.site_ids)
        update_material(material, actor=db.session.get(User, actor_id), **{**current, **values}, today=TODAY)
        db.session.commit()
        db.session.remove()


def run(app, job_id: str, now: datetime = NOW) -> dict:
    """Run a job as the scheduler would; return the counts it recorded."""
    with app.app_context():
        found = run_job(job_id, now=now)
        assert found.outcome == "success", found.error
        summary = found.summary
        db.session.remove()
        return json.loads(summary)["counts"] if summary else {}


def received(app, key: str) -> dict[int, InboxMessage]:
    """user id -> the inbox message with `key` (detached)."""
    with app.app_context():
        found = list(db.session.execute(select(InboxMessage).where(InboxMessage.key == key)).scalars())
        for message in found:
            db.session.expunge(message)
        db.session.remove()
        return {m.user_id: m for m in found}
