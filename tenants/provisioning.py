"""Creating, changing and suspending sites: checked first, written whole or not at all.

Functions flush but never commit; the caller (CLI, console view) commits.
"""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from blinker import Namespace

from core.extensions import db
from core.images import ImageRefused, reencode
from core.operations import OperationError
from core.text import column_problems
from tenants.hosts import is_valid_hostname
from tenants.models import KINDS, PALETTE, PlatformSetting, SiteGroup, Tenant, TenantDomain

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
RESERVED_LABELS = frozenset({"admin", "www", "api", "static", "mail", "portal", "localhost"})


#: Sent with the new `Tenant` (flushed, in the caller's transaction) by `create_tenant`: modules that
#: give every site something (the sections module: the mandatory set) connect to it in their init_app.
signals = Namespace()
site_created = signals.signal("site-created")


class ProvisioningError(OperationError):
    """A site change refused; `problems` maps each field to what is wrong with it."""


def _reserved_hosts() -> set[str]:
    base = current_app.config["BASE_DOMAIN"]
    return {base, f"www.{base}", f"{current_app.config['PLATFORM_HOST_LABEL']}.{base}"}


def normalise_hostname(value: str) -> str:
    return value.strip().lower().rstrip(".")


def default_domain(slug: str) -> str:
    return f"{slug}.{current_app.config['BASE_DOMAIN']}"


def check_hostname(hostname: str, field: str, problems: dict[str, str], taken_by: int | None = None) -> None:
    """Record why `hostname` cannot serve a site, if it cannot."""
    if not is_valid_hostname(hostname) or "." not in hostname:
        problems[field] = str(_l("'%(host)s' is not a valid domain name.", host=hostname))
    elif hostname in _reserved_hosts():
        problems[field] = str(_l("'%(host)s' is reserved for the portal or the platform.", host=hostname))
    else:
        owner = db.session.execute(
            select(Tenant.slug, Tenant.id).join(TenantDomain).where(TenantDomain.hostname == hostname)
        ).first()
        if owner is not None and owner.id != taken_by:
            problems[field] = str(_l("'%(host)s' is already used by the site '%(slug)s'.", host=hostname, slug=owner.slug))


def create_tenant(*, slug: str, name_zh: str, name_en: str, kind: str = "department", domain: str | None = None,
                  aliases: list[str] = (), group_key: str | None = None, **fields) -> Tenant:
    """Create a site with its domains; `site_created` then gives it the mandatory sections.

    The audited way to create one is `core.sites.operations.create_site`.

    :raises ProvisioningError: naming every field that is wrong; nothing is written.
    """
    slug = slug.strip().lower()
    problems: dict[str, str] = {}
    if not SLUG.match(slug):
        problems["slug"] = str(_l("The short name must be 2-32 characters: a-z first, then a-z, 0-9 or '-'."))
    elif slug in RESERVED_LABELS:
        problems["slug"] = str(_l("'%(slug)s' is reserved.", slug=slug))
    elif db.session.execute(select(Tenant.id).where(Tenant.slug == slug)).first():
        problems["slug"] = str(_l("The short name '%(slug)s' is already used by another site.", slug=slug))
    if not name_zh.strip():
        problems["name_zh"] = str(_l("The Chinese name is required."))
    if not name_en.strip():
        problems["name_en"] = str(_l("The English name is required."))
    if kind not in KINDS:
        problems["kind"] = str(_l("The kind must be one of: %(kinds)s.", kinds=", ".join(KINDS)))
    if fields.get("accent", "red") not in PALETTE:
        problems["accent"] = str(_l("The accent colour must be one of: %(colours)s.", colours=", ".join(PALETTE)))
    unknown = set(fields) - _EDITABLE_FIELDS
    if unknown:
        problems["fields"] = str(_l("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))))
    for field, problem in column_problems(Tenant, {"name_zh": name_zh.strip(), "name_en": name_en.strip(),
                                                   **fields}).items():
        problems.setdefault(field, problem)
    primary = normalise_hostname(domain) if domain else default_domain(slug)
    hostnames = [primary] + [normalise_hostname(a) for a in aliases]
    for index, hostname in enumerate(hostnames):
        field = "domain" if index == 0 else f"alias {hostname}"
        if hostname in hostnames[:index]:
            problems[field] = str(_l("'%(host)s' is listed twice.", host=hostname))
        else:
            check_hostname(hostname, field, problems)
    group = None
    if group_key:
        group = db.session.execute(select(SiteGroup).where(SiteGroup.key == group_key)).scalar_one_or_none()
        if group is None:
            problems["group"] = str(_l("There is no site group '%(key)s'.", key=group_key))
    if problems:
        raise ProvisioningError(problems)

    tenant = Tenant(slug=slug, name_zh=name_zh.strip(), name_en=name_en.strip(), kind=kind, group=group,
                    status="active", **{"sponsor_zh": name_zh.strip(), "sponsor_en": name_en.strip(), **fields})
    tenant.domains = [TenantDomain(hostname=h, is_primary=(i == 0)) for i, h in enumerate(hostnames)]
    db.session.add(tenant)
    db.session.flush()
    site_created.send(tenant)
    return tenant


_EDITABLE_FIELDS = frozenset({
    "is_window_department", "sponsor_zh", "sponsor_en", "address_zh", "address_en", "phone",
    "icp_record", "psb_record", "site_code", "organisation_code", "accent", "banner", "logo_filename",
    "review_own_forbidden",
})


def get_tenant(slug: str) -> Tenant:
    tenant = db.session.execute(select(Tenant).where(Tenant.slug == slug)).scalar_one_or_none()
    if tenant is None:
        raise ProvisioningError({"slug": str(_l("There is no site '%(slug)s'.", slug=slug))})
    return tenant


def add_domain(tenant: Tenant, hostname: str, *, primary: bool = False) -> TenantDomain:
    """Add an alias, or make a new primary domain (the old primary becomes an alias)."""
    hostname = normalise_hostname(hostname)
    problems: dict[str, str] = {}
    check_hostname(hostname, "domain", problems)
    if problems:
        raise ProvisioningError(problems)
    if primary:
        for d in tenant.domains:
            d.is_primary = False
        db.session.flush()
    domain = TenantDomain(hostname=hostname, is_primary=primary)
    tenant.domains.append(domain)
    db.session.flush()
    return domain


def remove_domain(tenant: Tenant, hostname: str) -> None:
    hostname = normalise_hostname(hostname)
    domain = next((d for d in tenant.domains if d.hostname == hostname), None)
    if domain is None:
        raise ProvisioningError({"domain": str(_l("'%(host)s' is not a domain of this site.", host=hostname))})
    if domain.is_primary:
        raise ProvisioningError({"domain": str(_l("The primary domain cannot be removed; make another one primary first."))})
    tenant.domains.remove(domain)
    db.session.flush()


def suspend_tenant(tenant: Tenant, reason: str = "") -> None:
    tenant.status = "suspended"
    tenant.suspended_reason = reason
    db.session.flush()


def resume_tenant(tenant: Tenant) -> None:
    tenant.status = "active"
    tenant.suspended_reason = ""
    db.session.flush()


def update_tenant(tenant: Tenant, **fields) -> None:
    """Change a site's footer, contact and theme options."""
    problems: dict[str, str] = {}
    unknown = set(fields) - _EDITABLE_FIELDS - {"name_zh", "name_en"}
    if unknown:
        problems["fields"] = str(_l("Unknown fields: %(names)s.", names=", ".join(sorted(unknown))))
    if "accent" in fields and fields["accent"] not in PALETTE:
        problems["accent"] = str(_l("The accent colour must be one of: %(colours)s.", colours=", ".join(PALETTE)))
    for name in ("name_zh", "name_en"):
        if name in fields and not str(fields[name]).strip():
            problems[name] = str(_l("The name cannot be empty."))
    problems.update(column_problems(Tenant, {k: v for k, v in fields.items() if k not in problems}))
    if problems:
        raise ProvisioningError(problems)
    for key, value in fields.items():
        setattr(tenant, key, value)
    db.session.flush()


MAX_LOGO_BYTES = 512 * 1024
#: A logo is shown 56 pixels high: 4 million pixels (2000 × 2000) is room enough, and bounds the decoding.
MAX_LOGO_PIXELS = 4_000_000


def upload_folder(tenant_id: int):
    """A site's folder under UPLOAD_FOLDER: its attachments and its logo."""
    from pathlib import Path

    return Path(current_app.config["UPLOAD_FOLDER"]) / f"site-{tenant_id}"


def set_logo(tenant: Tenant, filename: str, data: bytes) -> str:
    """Store a site's logo (a PNG, JPEG or GIF picture, at most 512 KB) beside its uploads.

    The file stored is the picture written again from its pixels (`core.images`):
    no byte of the upload after the picture, no metadata. Nothing is written when refused.

    :raises ProvisioningError: under "logo", saying what is wrong with the file.
    """
    import hashlib

    if len(data) > MAX_LOGO_BYTES:
        raise ProvisioningError({"logo": str(_l("The logo may be at most %(kb)s KB.", kb=MAX_LOGO_BYTES // 1024))})
    shown = filename.replace("\\", "/").rsplit("/", 1)[-1][:80] or "?"
    try:
        image = reencode(data, name=shown, max_pixels=MAX_LOGO_PIXELS)
    except ImageRefused as refused:
        raise ProvisioningError({"logo": str(refused.message)}) from None
    name = f"logo-{hashlib.sha256(image.data).hexdigest()[:16]}.{image.extension}"
    folder = upload_folder(tenant.id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(image.data)
    tenant.logo_filename = name
    db.session.flush()
    return name


def ensure_group(key: str, name_zh: str, name_en: str, position: int) -> SiteGroup:
    group = db.session.execute(select(SiteGroup).where(SiteGroup.key == key)).scalar_one_or_none()
    if group is None:
        group = SiteGroup(key=key)
        db.session.add(group)
    group.name_zh, group.name_en, group.position = name_zh, name_en, position
    db.session.flush()
    return group


def get_setting(key: str, default: str = "") -> str:
    """A platform-wide switch (`PlatformSetting`), or `default` when unset."""
    found = db.session.get(PlatformSetting, key)
    return found.value if found is not None else default


def set_setting(key: str, value: str) -> None:
    found = db.session.get(PlatformSetting, key)
    if found is None:
        db.session.add(PlatformSetting(key=key, value=value))
    else:
        found.value = value
    db.session.flush()
