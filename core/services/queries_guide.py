"""Reading the catalogue and the guides: the public's published items, the working copies, the bureau's view."""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.auth.models import User
from core.auth.permissions import can
from core.extensions import db
from core.services.guide import LISTED_STATES, TEXT_FIELDS, missing_elements, published, unpublished_changes
from core.services.models import ApplicationFile, CatalogueRequest, ServiceForm, ServiceItem
from core.web.sitemaps import PublicPage
from tenants.models import Tenant
from tenants.scoping import crosses_tenants

_PARTS = (selectinload(ServiceItem.materials), selectinload(ServiceItem.steps), selectinload(ServiceItem.forms))


@dataclass
class PublicItem:
    """A published item as the public reads it: the catalogue's code, name and kind, the approved guide."""

    item: ServiceItem
    guide: dict

    @property
    def id(self) -> int:
        return self.item.id

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def theme(self) -> str:
        return self.guide.get("theme") or ""

    @property
    def online_level(self) -> str:
        return self.guide.get("online_level") or "in_person"

    @property
    def forms(self) -> list[dict]:
        return [f for f in self.guide.get("forms") or [] if isinstance(f, dict)]


def _public(item: ServiceItem) -> PublicItem | None:
    guide = published(item)
    return PublicItem(item, guide) if guide is not None else None


def public_items() -> list[PublicItem]:
    """The active site's items the public sees (published, in the catalogue), in the catalogue's order."""
    rows = db.session.execute(
        select(ServiceItem).where(ServiceItem.published_guide.is_not(None),
                                  ServiceItem.catalogue_status.in_(LISTED_STATES))
        .order_by(ServiceItem.position, ServiceItem.code, ServiceItem.id)).scalars()
    return [found for found in map(_public, rows) if found is not None]


def public_item(item_id: int) -> PublicItem | None:
    """One item of the active site as the public sees it, or None (not published, removed, another site's)."""
    item = db.session.execute(select(ServiceItem).where(ServiceItem.id == item_id,
                                                        ServiceItem.published_guide.is_not(None),
                                                        ServiceItem.catalogue_status.in_(LISTED_STATES))
                              ).scalar_one_or_none()
    return _public(item) if item is not None else None


def guide_text(guide: dict) -> str:
    """Every text of a published guide the public reads, one per line: the edited fields, the materials, the
    procedure, the forms' titles and the online application form's labels, hints and options."""
    parts = [str(guide.get(field) or "") for field in TEXT_FIELDS]
    for material in guide.get("materials") or []:
        if isinstance(material, dict):
            parts += [str(material.get("name") or ""), str(material.get("note") or "")]
    for step in guide.get("steps") or []:
        if isinstance(step, dict):
            parts += [str(step.get("title") or ""), str(step.get("description") or "")]
    parts += [str(f.get("title") or "") for f in guide.get("forms") or [] if isinstance(f, dict)]
    for spec in guide.get("application_fields") or []:
        if not isinstance(spec, dict):
            continue
        parts += [str(spec.get(key) or "") for key in ("label", "label_en", "help", "help_en")]
        for choice in spec.get("choices") or []:
            if isinstance(choice, str):
                parts.append(choice)
            elif isinstance(choice, dict):
                parts += [str(choice.get(key) or "") for key in ("label", "label_en")]
    return "\n".join(part for part in parts if part.strip())


def public_guide_texts() -> list[tuple[int, str, str]]:
    """(item id, item name, `guide_text` of its published guide) of every item the public sees on the active site,
    in the catalogue's order (the security checks read these)."""
    return [(found.id, found.name, guide_text(found.guide)) for found in public_items()]


def sitemap_pages() -> list[PublicPage]:
    """The active site's items the public reads, for the sitemaps (core.web.sitemaps): [PublicPage], each with
    when its guide was last published, in the catalogue's order (one query, no guide read)."""
    rows = db.session.execute(
        select(ServiceItem.id, ServiceItem.published_at).where(ServiceItem.published_guide.is_not(None),
                                                               ServiceItem.catalogue_status.in_(LISTED_STATES))
        .order_by(ServiceItem.position, ServiceItem.code, ServiceItem.id)).all()
    return [PublicPage(url_for("services_guide.item", item_id=item_id), published_at)
            for item_id, published_at in rows]


# --- the department's admin --------------------------------------------------------------------

@dataclass
class ItemState:
    """An item of the catalogue with what its guide lacks and what is not published yet."""

    item: ServiceItem
    missing: list[str]
    changes: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def published_level(self) -> str | None:
        """How far the public can do it online, as the published guide says (None before publication)."""
        return (published(self.item) or {}).get("online_level")


def catalogue_items(*, include_removed: bool = False) -> list[ItemState]:
    """The active site's items with their guides' gaps, in the catalogue's order (four queries)."""
    query = select(ServiceItem).options(*_PARTS).order_by(ServiceItem.position, ServiceItem.code, ServiceItem.id)
    if not include_removed:
        query = query.where(ServiceItem.catalogue_status != "removed")
    return [ItemState(item, missing_elements(item), unpublished_changes(item))
            for item in db.session.execute(query).scalars()]


def load_item(item_id: int) -> ServiceItem | None:
    return db.session.execute(select(ServiceItem).where(ServiceItem.id == item_id).options(*_PARTS)
                              ).scalar_one_or_none()


def site_requests() -> list[CatalogueRequest]:
    """The active site's catalogue requests, those waiting first, then the newest."""
    return list(db.session.execute(select(CatalogueRequest).order_by(
        (CatalogueRequest.status != "pending"), CatalogueRequest.requested_at.desc(), CatalogueRequest.id.desc())
    ).scalars())


def requests_of_item(item: ServiceItem) -> list[CatalogueRequest]:
    return list(db.session.execute(select(CatalogueRequest).where(CatalogueRequest.item_id == item.id)
                                   .order_by(CatalogueRequest.id.desc())).scalars())


def user_names(ids) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def guide_panel(actor: User) -> dict:
    """For the admin home's card: how many guides lack an element, wait for review, have changes to publish."""
    states = catalogue_items()
    return {
        "total": len(states),
        "incomplete": sum(1 for s in states if s.missing),
        "reviewing": sum(1 for s in states if s.item.guide_status == "reviewing") if can(actor, "content.review")
        else None,
        "unpublished": sum(1 for s in states if s.changes and s.item.published_guide is not None
                           and s.item.guide_status == "editing")
        if can(actor, "content.edit") else None,
        "never_published": sum(1 for s in states if s.item.published_guide is None),
    }


def referenced_service_files() -> set[str]:
    """The stored files the active site's online services still use: the forms of working copies and of published
    guides, and the applicants' materials (the file sweep keeps them)."""
    names = set(db.session.execute(select(ServiceForm.stored_name)).scalars())
    names.update(db.session.execute(select(ApplicationFile.stored_name)).scalars())
    for raw in db.session.execute(select(ServiceItem.published_guide).where(ServiceItem.published_guide.is_not(None))
                                  ).scalars():
        names.update(published_form_files(raw))
    return names


def published_form_files(raw: str) -> set[str]:
    """The stored names of the forms a published guide (its JSON) offers."""
    try:
        guide = json.loads(raw)
    except ValueError:
        return set()
    forms = guide.get("forms") if isinstance(guide, dict) else None
    return {entry["stored_name"] for entry in forms or [] if isinstance(entry, dict) and entry.get("stored_name")}


# --- the bureau's console ----------------------------------------------------------------------

@dataclass
class SiteCatalogue:
    site: Tenant
    items: int = 0
    published: int = 0
    complete: int = 0
    online: int = 0
    pending: int = 0


@crosses_tenants("the bureau's console compares the catalogues of every site")
def catalogue_overview() -> list[SiteCatalogue]:
    """Every site with its items in the catalogue, how many are published, complete, online; requests waiting."""
    sites = {s.id: SiteCatalogue(s) for s in db.session.execute(select(Tenant).order_by(Tenant.slug)).scalars()}
    items = db.session.execute(select(ServiceItem).options(*_PARTS)
                               .where(ServiceItem.catalogue_status != "removed")
                               .execution_options(all_tenants=True)).scalars()
    for item in items:
        row = sites.get(item.tenant_id)
        if row is None:
            continue
        row.items += 1
        row.published += item.published_guide is not None
        row.complete += not missing_elements(item)
        row.online += (published(item) or {}).get("online_level") == "online"
    pending = db.session.execute(select(CatalogueRequest.tenant_id, func.count()).where(
        CatalogueRequest.status == "pending").group_by(CatalogueRequest.tenant_id)
        .execution_options(all_tenants=True)).all()
    for tenant_id, count in pending:
        if tenant_id in sites:
            sites[tenant_id].pending = count
    return list(sites.values())


@crosses_tenants("the bureau's console reads one site's catalogue, by the site's id")
def catalogue_of_site(tenant_id: int) -> list[ItemState]:
    """A named site's items (removed ones too), with their guides' gaps."""
    items = db.session.execute(select(ServiceItem).options(*_PARTS).where(ServiceItem.tenant_id == tenant_id)
                               .order_by(ServiceItem.position, ServiceItem.code, ServiceItem.id)
                               .execution_options(all_tenants=True)).scalars()
    return [ItemState(item, missing_elements(item), unpublished_changes(item)) for item in items]


@crosses_tenants("the bureau's console lists every site's catalogue requests")
def request_queue(status: str | None = None) -> list[tuple[CatalogueRequest, Tenant]]:
    """Catalogue requests of every site with their site: those waiting first (oldest first), then the decided."""
    query = (select(CatalogueRequest, Tenant).join(Tenant, Tenant.id == CatalogueRequest.tenant_id)
             .order_by(CatalogueRequest.status != "pending", CatalogueRequest.requested_at, CatalogueRequest.id)
             .execution_options(all_tenants=True))
    if status:
        query = query.where(CatalogueRequest.status == status)
    return [(row[0], row[1]) for row in db.session.execute(query.limit(500)).all()]


@crosses_tenants("the bureau's console opens a site's catalogue request by its id")
def find_request(request_id: int) -> CatalogueRequest | None:
    return db.session.execute(select(CatalogueRequest).where(CatalogueRequest.id == request_id)
                              .execution_options(all_tenants=True)).scalar_one_or_none()


@crosses_tenants("the console's home counts the catalogue requests waiting on every site")
def pending_requests() -> int:
    return db.session.execute(select(func.count()).select_from(CatalogueRequest)
                              .where(CatalogueRequest.status == "pending")
                              .execution_options(all_tenants=True)).scalar() or 0
