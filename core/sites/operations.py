"""What the bureau and a site's administrator change about a site: audited, flushed, never committed.

The console, a site's settings page and `flask tenants` all go through these,
so each change is checked the same way and recorded: on the platform's log for
the bureau's changes, on the site's own log for its administrator's. The
checks themselves (names, domains, colours, logo bytes) are tenancy's
(`tenants.provisioning`).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit.log import record
from core.auth.models import User
from core.auth.operations import AccountError, create_user
from core.auth.passwords import generate_password
from core.extensions import db
from core.i18n import localized
from core.operations import audited
from core.sites import footer
from core.sites.queries import PORTAL_MOURNING_KEY
from tenants.catalog import load_catalog
from tenants.models import SiteGroup, Tenant, TenantDomain
from tenants.provisioning import (ProvisioningError, add_domain, create_tenant, default_domain, remove_domain,
                                  resume_tenant, set_logo, set_setting, suspend_tenant, update_tenant)
from tenants.scoping import activate_tenant, crosses_tenants

#: The catalog fields a site takes over as they are (as the demo loader does).
CATALOG_SITE_FIELDS = ("is_window_department", "address_zh", "address_en", "phone", "icp_record", "psb_record",
                       "site_code", "accent")


def _record_created(tenant: Tenant, **extra) -> None:
    record("site.create", tenant.slug, name_zh=tenant.name_zh, kind=tenant.kind,
           domains=[d.hostname for d in tenant.domains], window=tenant.is_window_department, **extra)


@audited
def create_site(*, slug: str, name_zh: str, name_en: str, kind: str = "department", domain: str | None = None,
                aliases: list[str] = (), group_key: str | None = None, **fields) -> Tenant:
    """Create a site with its domains and the mandatory sections.

    :raises ProvisioningError: naming every field that is wrong; nothing is written.
    """
    tenant = create_tenant(slug=slug, name_zh=name_zh, name_en=name_en, kind=kind, domain=domain, aliases=aliases,
                           group_key=group_key, **fields)
    _record_created(tenant)
    return tenant


#: What the console's new-site form must be given of the footer (the record numbers may come later).
FOOTER_ASKED = ("address_zh", "phone")
#: The account's problems, under the new-site form's fields.
ADMINISTRATOR_FIELDS = {"username": "admin_username", "display_name": "admin_name"}


@crosses_tenants("the console gives the site it has just created its first administrator, on that site")
def _first_administrator(tenant: Tenant, username: str, display_name: str, password: str) -> User:
    with activate_tenant(tenant.id):
        return create_user(username=username, display_name=display_name, password=password, roles=["site_admin"],
                            must_change_password=True)


def _account_problems(error: AccountError) -> dict[str, str]:
    return {ADMINISTRATOR_FIELDS.get(field, ""): message for field, message in error.problems.items()}


@audited
def create_site_with_administrator(*, slug: str, name_zh: str, name_en: str, administrator: tuple[str, str],
                                   footer_fields: dict[str, str], kind: str = "department",
                                   domain: str | None = None, aliases: list[str] = (), group_key: str | None = None,
                                   **fields) -> tuple[Tenant, User, str]:
    """Create a site with its legal footer and its first site administrator, all or nothing.

    `administrator` is (user name, display name); the account gets a generated temporary password,
    returned to be shown once, which it must change at its first sign-in. Every problem of the site,
    its footer and the account is found before anything is kept; the caller rolls back on a refusal.

    :raises ProvisioningError: under the form's fields ("slug", "phone", "admin_username", …).
    """
    footer_fields = {name: value.strip() for name, value in footer_fields.items() if value and value.strip()}
    problems: dict[str, object] = {name: _l("This is part of the legal footer: give it.")
                                   for name in FOOTER_ASKED if name not in footer_fields}
    problems.update(footer.format_problems(footer_fields))
    tenant = None
    try:
        tenant = create_tenant(slug=slug, name_zh=name_zh, name_en=name_en, kind=kind, domain=domain, aliases=aliases,
                               group_key=group_key, **fields, **footer_fields)
    except ProvisioningError as error:
        problems = {**error.problems, **problems}
    username, display_name = administrator
    if not display_name.strip():  # said here, so that the user name is still checked below
        problems["admin_name"] = _l("Give the person's name.")
        display_name = username or "-"
    password = generate_password()
    try:  # with problems found already, what this writes goes with the rest when the caller rolls back
        if tenant is not None:
            user = _first_administrator(tenant, username, display_name, password)
        else:
            user = create_user(username=username, display_name=display_name, password=password)
    except AccountError as error:
        problems.update(_account_problems(error))
    if problems:
        raise ProvisioningError(problems)
    _record_created(tenant, administrator=user.username)
    return tenant, user, password


@audited
def create_from_catalog(slug: str) -> Tenant:
    """Create one catalog site with its catalog fields and domains (no content).

    Its site group is created from the catalog when the platform does not have it yet.

    :raises ProvisioningError: when the slug is not in the catalog or the site cannot be created (e.g. it exists).
    """
    catalog = load_catalog()
    entry = next((e for e in catalog["sites"] if e["slug"] == slug), None)
    if entry is None:
        raise ProvisioningError({"slug": _l("The catalog has no site '%(slug)s'.", slug=slug)})
    group_key = entry.get("group")
    if group_key and db.session.execute(select(SiteGroup.id).where(SiteGroup.key == group_key)).first() is None:
        for position, group in enumerate(catalog["groups"]):
            if group["key"] == group_key:
                db.session.add(SiteGroup(key=group_key, name_zh=group["name_zh"], name_en=group["name_en"],
                                         position=position))
                db.session.flush()
    fields = {k: entry[k] for k in CATALOG_SITE_FIELDS if k in entry}
    fields.update(sponsor_zh=entry["name_zh"], sponsor_en=entry["name_en"])
    tenant = create_tenant(slug=entry["slug"], name_zh=entry["name_zh"], name_en=entry["name_en"],
                           kind=entry.get("kind", "department"), group_key=group_key,
                           aliases=[default_domain(a) for a in entry.get("aliases", [])], **fields)
    _record_created(tenant, source="catalog")
    return tenant


@audited
def add_site_domain(tenant: Tenant, hostname: str, *, primary: bool = False) -> TenantDomain:
    """Add an alias, or a new primary domain (the old primary becomes an alias).

    :raises ProvisioningError: under "domain": not a domain name, reserved, or another site's.
    """
    domain = add_domain(tenant, hostname, primary=primary)
    record("site.domain.add", tenant.slug, hostname=domain.hostname, primary=domain.is_primary)
    return domain


@audited
def remove_site_domain(tenant: Tenant, hostname: str) -> None:
    """Remove an alias.

    :raises ProvisioningError: under "domain": not the site's, or its primary domain.
    """
    remove_domain(tenant, hostname)
    record("site.domain.remove", tenant.slug, hostname=hostname.strip().lower())


@audited
def suspend_site(tenant: Tenant, reason: str = "") -> None:
    """The public sees a maintenance page; the site's admin stays reachable."""
    suspend_tenant(tenant, reason)
    record("site.suspend", tenant.slug, reason=reason)


@audited
def resume_site(tenant: Tenant) -> bool:
    """Open a suspended site to the public again; False when it was not suspended."""
    if tenant.status == "active":
        return False
    resume_tenant(tenant)
    record("site.resume", tenant.slug)
    return True


@audited
def set_site_mourning(tenant: Tenant, on: bool) -> None:
    """Grey one site (全站灰色), or restore its colours."""
    tenant.is_mourning = on
    record("site.mourning", tenant.slug, on=on)
    db.session.flush()


@audited
def set_city_mourning(on: bool) -> int:
    """Grey (or restore) every site, suspended ones included, and the portal; return how many sites changed."""
    changed = 0
    for tenant in db.session.execute(select(Tenant).order_by(Tenant.id)).scalars():
        if tenant.is_mourning != on:
            tenant.is_mourning = on
            changed += 1
    set_setting(PORTAL_MOURNING_KEY, "1" if on else "0")
    record("mourning.city", "", on=on, sites_changed=changed)
    db.session.flush()
    return changed


@audited
def update_site_settings(tenant: Tenant, *, logo: tuple[str, bytes] | None = None, **fields) -> None:
    """A site's footer, contact and theme options, and optionally a new logo (file name, bytes).

    Recorded on the site's log when its administrator does it (a site is
    active), on the platform's from the console or `flask tenants set`.

    :raises ProvisioningError: under the field's name (e.g. "accent", "logo", "icp_record": not a record number;
        "organisation_code": not a valid code, or another site's, which the message names).
    """
    problems = footer.format_problems(fields)
    code = fields.get("organisation_code")
    if isinstance(code, str) and code.strip() and "organisation_code" not in problems:
        other = db.session.execute(select(Tenant).where(Tenant.id != tenant.id, func.upper(
            func.trim(Tenant.organisation_code)) == code.strip().upper())).scalars().first()
        if other is not None:  # a code names one department: two sites with it would give the same index numbers
            problems["organisation_code"] = _l(
                "The site “%(site)s” already has this unified social credit code, and each department has its "
                "own: check it against this department's certificate.", site=localized(other))
    if problems:
        raise ProvisioningError(problems)
    update_tenant(tenant, **fields)
    if logo is not None:
        set_logo(tenant, *logo)
    record("site.settings", tenant.slug, **{k: v for k, v in fields.items() if k != "logo_filename"},
           **({"logo": tenant.logo_filename} if logo is not None else {}),
           **({"logo": None} if "logo_filename" in fields and fields["logo_filename"] is None else {}))
