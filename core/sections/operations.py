"""What may be done to sections, and by whom: the mandatory set is the platform's.

Functions flush but never commit; the caller owns the transaction.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, event, func, inspect, select
from sqlalchemy.orm import Session

from core.extensions import db
from core.sections.defaults import DEFAULT_MANDATORY_SECTIONS
from core.sections.models import KINDS, MandatorySection, Section
from tenants.scoping import activate_tenant

SLUG = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
#: Fields of a mandatory section that only the platform's sync may change.
LOCKED_FIELDS = ("slug", "name_zh", "name_en", "kind", "position", "parent_id", "mandatory_key", "homepage_priority", "in_nav")
#: Specialized sections sort after every mandatory one.
SPECIALIZED_HOMEPAGE_BASE = 100


class SectionError(ValueError):
    """A section change refused, with a message for the user."""

    def __init__(self, message):
        # Translate now, while the request's (or the CLI's) locale is known.
        super().__init__(str(message))


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
            raise MandatorySectionLocked(_l("A mandatory section is set by the platform and cannot be renamed or moved."))


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


def ordering():
    """Mandatory sections first in the platform's order, then the site's own."""
    return (case((Section.mandatory_key.is_(None), 1), else_=0), Section.position, Section.id)


SEEDED_FLAG = "mandatory_set_seeded"


def ensure_mandatory_set(*, restore: bool = False) -> int:
    """Give a new platform the guideline's default set, once; return how many were added.

    Once seeded, the set is the bureau's: emptying it on purpose must not
    bring the defaults back with the next new site. `restore` is the bureau
    asking for the defaults again, into an empty set.
    """
    from core.platform.models import PlatformSetting

    if db.session.get(PlatformSetting, SEEDED_FLAG) is None:
        db.session.add(PlatformSetting(key=SEEDED_FLAG, value="1"))
    elif not restore:
        return 0
    if db.session.execute(select(func.count()).select_from(MandatorySection)).scalar_one():
        return 0
    for position, (key, name_zh, name_en, kind, priority, in_nav) in enumerate(DEFAULT_MANDATORY_SECTIONS):
        db.session.add(MandatorySection(key=key, name_zh=name_zh, name_en=name_en, kind=kind,
                                        position=position, homepage_priority=priority, in_nav=in_nav))
    db.session.flush()
    return len(DEFAULT_MANDATORY_SECTIONS)


def sync_sections(tenant_id: int) -> dict[str, int]:
    """Make one site's mandatory sections match the platform's set.

    Adds what is missing, restores names, kinds and order the platform set,
    and turns a section the platform dropped from the set into the site's own
    (its content is kept). Idempotent.
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
        for definition in definitions:
            section = existing.get(definition.key)
            if section is None:
                _free_slug(definition.key)
                section = Section(slug=definition.key, mandatory_key=definition.key, page_html="", external_url="")
                db.session.add(section)
                counts["added"] += 1
            values = dict(slug=definition.key, name_zh=definition.name_zh, name_en=definition.name_en,
                          kind=definition.kind, position=definition.position,
                          homepage_priority=definition.homepage_priority, in_nav=definition.in_nav, parent_id=None)
            changed = any(getattr(section, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(section, k, v)
            if changed and section not in db.session.new:
                counts["updated"] += 1
    return counts


def _free_slug(slug: str) -> None:
    """Move a site's own section off a slug the platform now claims."""
    clash = db.session.execute(select(Section).where(Section.slug == slug)).scalar_one_or_none()
    if clash is not None:
        clash.slug = f"{slug}-{clash.id}"
        db.session.flush()


def sync_all_tenants() -> dict[str, int]:
    from tenants.models import Tenant

    totals = {"added": 0, "updated": 0, "released": 0}
    for tenant_id in db.session.execute(select(Tenant.id).order_by(Tenant.id)).scalars().all():
        for k, v in sync_sections(tenant_id).items():
            totals[k] += v
    return totals


def add_section(*, name_zh: str, name_en: str, slug: str, kind: str = "article_list",
                parent_id: int | None = None, homepage_priority: int | None = None,
                in_nav: bool = True, external_url: str = "") -> Section:
    """Add one of the current site's own sections (专业栏目)."""
    name_zh, name_en, slug = name_zh.strip(), name_en.strip(), slug.strip().lower()
    if not name_zh or not name_en:
        raise SectionError(_l("A section needs a name in Chinese and in English."))
    if not SLUG.match(slug):
        raise SectionError(_l("The address name must start with a letter and use only a-z, 0-9 and '-'."))
    if kind not in KINDS:
        raise SectionError(_l("Unknown section kind."))
    if kind == "external_link" and not re.match(r"^https?://", external_url):
        raise SectionError(_l("An external link needs an http:// or https:// address."))
    reserved = set(db.session.execute(select(MandatorySection.key)).scalars())
    if slug in reserved or db.session.execute(select(Section.id).where(Section.slug == slug)).first():
        raise SectionError(_l("The address name '%(slug)s' is already used on this site.", slug=slug))
    if parent_id is not None and db.session.get(Section, parent_id) is None:
        raise SectionError(_l("The parent section does not exist on this site."))
    last = db.session.execute(select(func.max(Section.position)).where(Section.mandatory_key.is_(None))).scalar()
    section = Section(name_zh=name_zh, name_en=name_en, slug=slug, kind=kind,
                      parent_id=parent_id, homepage_priority=homepage_priority, in_nav=in_nav,
                      position=(last or 0) + 1, page_html="", external_url=external_url)
    db.session.add(section)
    db.session.flush()
    return section


def rename_section(section: Section, *, name_zh: str, name_en: str) -> None:
    if section.is_mandatory:
        raise MandatorySectionLocked(_l("A mandatory section is set by the platform and cannot be renamed or moved."))
    if not name_zh.strip() or not name_en.strip():
        raise SectionError(_l("A section needs a name in Chinese and in English."))
    section.name_zh, section.name_en = name_zh.strip(), name_en.strip()
    db.session.flush()


def move_section(section: Section, position: int) -> None:
    if section.is_mandatory:
        raise MandatorySectionLocked(_l("A mandatory section is set by the platform and cannot be renamed or moved."))
    section.position = position
    db.session.flush()


def delete_section(section: Section) -> None:
    if section.is_mandatory:
        raise MandatorySectionLocked(_l("A mandatory section cannot be deleted."))
    db.session.delete(section)
    db.session.flush()


def site_sections() -> list[Section]:
    """Every section of the current site, in navigation order (one query)."""
    return list(db.session.execute(select(Section).order_by(*ordering())).scalars())
