"""Keeping every site's mandatory sections in step with the platform's set, and nobody else changing them.

`sync_sections(tenant_id)` makes one site's copies match the set; it runs for
every new site (`tenants.provisioning.site_created`) and, through the audited
operations, after every change to the set. A flush guard refuses any change to
a mandatory section that this sync did not make, whatever code tries it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from core.extensions import db
from core.operations import OperationError
from core.sections.defaults import DEFAULT_MANDATORY_SECTIONS
from core.sections.models import MandatorySection, Section
from tenants.models import PlatformSetting, Tenant
from tenants.scoping import activate_tenant, crosses_tenants

#: Fields of a mandatory section that only the platform's sync may change.
LOCKED_FIELDS = ("slug", "name_zh", "name_en", "kind", "position", "parent_id", "mandatory_key", "homepage_priority",
                 "in_nav", "update_class")
#: Specialized sections sort after every mandatory one.
SPECIALIZED_HOMEPAGE_BASE = 100
SEEDED_FLAG = "mandatory_set_seeded"


class SectionError(OperationError):
    """A section change refused, with a message for the user."""


class MandatorySectionLocked(SectionError):
    """A department tried to delete, rename or reorder a mandatory section."""


def _platform_sync(session: Session) -> bool:
    return bool(session.info.get("mandatory_sync"))


@event.listens_for(Session, "before_flush")
def _protect_mandatory(session, _ctx, _instances) -> None:
    """Refuse any change to a mandatory section that the platform's sync did not make."""
    if _platform_sync(session):
        return
    for obj in session.deleted:
        if isinstance(obj, Section) and obj.mandatory_key is not None:
            raise MandatorySectionLocked(_l("A mandatory section cannot be deleted."))
    for obj in session.dirty:
        if not isinstance(obj, Section):
            continue
        state = inspect(obj)
        was_mandatory = obj.mandatory_key is not None or state.attrs.mandatory_key.history.deleted
        if was_mandatory and any(state.attrs[f].history.has_changes() for f in LOCKED_FIELDS):
            raise MandatorySectionLocked(_l("A mandatory section is set by the platform and cannot be renamed or "
                                            "moved."))


class platform_sync:
    """Let the platform's own code change mandatory sections inside the block."""

    def __init__(self, session: Session | None = None):
        self.session = session or db.session()

    def __enter__(self):
        self.session.info["mandatory_sync"] = True
        return self

    def __exit__(self, *_exc):
        self.session.flush()
        self.session.info.pop("mandatory_sync", None)


def ensure_mandatory_set(*, restore: bool = False) -> int:
    """Give a new platform the guideline's default set, once; return how many were added.

    Once seeded, the set is the bureau's: emptying it on purpose must not
    bring the defaults back with the next new site. `restore` is the bureau
    asking for the defaults again, into an empty set.
    """
    if db.session.get(PlatformSetting, SEEDED_FLAG) is None:
        db.session.add(PlatformSetting(key=SEEDED_FLAG, value="1"))
    elif not restore:
        return 0
    if db.session.execute(select(func.count()).select_from(MandatorySection)).scalar_one():
        return 0
    for position, (key, name_zh, name_en, kind, priority, in_nav, update_class) in \
            enumerate(DEFAULT_MANDATORY_SECTIONS):
        db.session.add(MandatorySection(key=key, name_zh=name_zh, name_en=name_en, kind=kind,
                                        position=position, homepage_priority=priority, in_nav=in_nav,
                                        update_class=update_class))
    db.session.flush()
    return len(DEFAULT_MANDATORY_SECTIONS)


@crosses_tenants("the platform's mandatory set is copied into each site, one site at a time")
def sync_sections(tenant_id: int) -> dict[str, int]:
    """Make one site's mandatory sections match the platform's set; return what changed.

    Adds what is missing, restores names, kinds and order the platform set,
    and turns a section the platform dropped from the set into the site's own
    (its content is kept). Idempotent. Returns {"added", "updated", "released"} counts.
    """
    definitions = db.session.execute(select(MandatorySection).order_by(MandatorySection.position)).scalars().all()
    counts = {"added": 0, "updated": 0, "released": 0}
    with activate_tenant(tenant_id), platform_sync():
        existing = {s.mandatory_key: s for s in db.session.execute(
            select(Section).where(Section.mandatory_key.is_not(None))).scalars()}
        wanted = {d.key for d in definitions}
        for key, section in existing.items():
            if key not in wanted:
                section.mandatory_key = None
                section.position = SPECIALIZED_HOMEPAGE_BASE + section.position
                counts["released"] += 1
        _free_slugs([d.key for d in definitions if d.key not in existing])
        for definition in definitions:
            section = existing.get(definition.key)
            if section is None:
                section = Section(slug=definition.key, mandatory_key=definition.key, page_html="", external_url="")
                db.session.add(section)
                counts["added"] += 1
            values = dict(slug=definition.key, name_zh=definition.name_zh, name_en=definition.name_en,
                          kind=definition.kind, position=definition.position,
                          homepage_priority=definition.homepage_priority, in_nav=definition.in_nav, parent_id=None,
                          update_class=definition.update_class)
            changed = any(getattr(section, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(section, k, v)
            if changed and section not in db.session.new:
                counts["updated"] += 1
    return counts


def _free_slugs(slugs: list[str]) -> None:
    """Move a site's own sections off the slugs the platform now claims (one query, one flush, whatever the count:
    a new site's whole set is added after it)."""
    if not slugs:
        return
    clashes = db.session.execute(select(Section).where(Section.slug.in_(slugs))).scalars().all()
    for clash in clashes:
        clash.slug = f"{clash.slug}-{clash.id}"
    if clashes:
        db.session.flush()


def sync_all_tenants() -> dict[str, int]:
    """`sync_sections` for every site, suspended ones too; the counts summed."""
    totals = {"added": 0, "updated": 0, "released": 0}
    for tenant_id in db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars().all():
        for k, v in sync_sections(tenant_id).items():
            totals[k] += v
    return totals


def give_new_site_its_sections(tenant: Tenant, **_extra) -> None:
    """`site_created` receiver: seed the set on a new platform, then copy it into the new site."""
    ensure_mandatory_set()
    sync_sections(tenant.id)
