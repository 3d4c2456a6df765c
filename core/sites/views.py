"""Sites' pages: the console's list and site pages, catalog and mourning; a site's settings; its logo file."""
from __future__ import annotations

from flask import (Blueprint, abort, current_app, flash, g, make_response, redirect, request, send_from_directory,
                   url_for)
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.extensions import db
from core.forms import ActionForm, choices, show_problems, submitted
from core.i18n import localized
from core.sites import footer
from core.sites.forms import (ACCENT_LABELS, SITE_KIND_LABELS, DomainForm, MourningForm, RemoveDomainForm,
                              SettingsForm, SiteForm, SuspendForm)
from core.sites.operations import (add_site_domain, create_from_catalog, create_site_with_administrator,
                                   remove_site_domain, resume_site, set_city_mourning, set_site_mourning,
                                   suspend_site, update_site_settings)
from core.sites.parts import site_parts
from core.sites.queries import all_sites, catalog_entries_missing, find_sites, portal_in_mourning, site_groups
from core.web import add_menu_item, get_or_404, route
from tenants.catalog import load_catalog
from tenants.models import STATUSES, Tenant
from tenants.provisioning import ProvisioningError, upload_folder
from themes import render_page, site_url

bp = Blueprint("sites", __name__, template_folder="templates")
VIEW, MANAGE = "platform.view", "platform.manage"


def _console(rule: str, methods=("GET",)):
    """A console route: reading needs platform.view, any change platform.manage."""
    return route(bp, rule, permission=VIEW if "GET" in methods else MANAGE, write=MANAGE, host="platform",
                 methods=methods)


# --- the public logo file ----------------------------------------------------------------------

@route(bp, "/site-logo/<filename>", permission=None)
def logo(filename: str):
    site = g.site
    if not site.logo_filename or filename != site.logo_filename:
        abort(404)
    return send_from_directory(upload_folder(site.id), site.logo_filename, max_age=30 * 24 * 3600)


# --- a site's own settings (its administrator) -------------------------------------------------

@route(bp, "/admin/settings", permission="site.view", write="site.settings.manage", methods=("GET", "POST"))
def settings():
    tenant = db.session.execute(select(Tenant).where(Tenant.id == g.site.id)).scalar_one()
    form = SettingsForm(obj=tenant)
    if form.validate_on_submit():
        upload = form.logo.data
        logo = (upload.filename, upload.read()) if upload and getattr(upload, "filename", "") else None
        try:
            update_site_settings(tenant, accent=form.accent.data, banner=form.banner.data,
                                 review_own_forbidden=form.review_own_forbidden.data, logo=logo,
                                 **{name: form[name].data or "" for name in SettingsForm.FOOTER_FIELDS})
        except ProvisioningError as error:
            db.session.rollback()
            show_problems(form, error, {"": "logo", "fields": "logo"})
        else:
            db.session.commit()
            flash(str(_l("Settings saved.")), "success")
            return redirect(url_for("sites.settings"))
    return render_page("sites/settings.html", form=form, tenant=tenant)


# --- the console: every site -------------------------------------------------------------------

@_console("/platform/")
def platform_index():
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    incomplete = request.args.get("footer") == "incomplete"
    sites = find_sites(q, status)
    if incomplete:  # the sites whose legal footer still lacks a fact
        sites = [site for site in sites if footer.gaps(site)]
    return render_page("sites/platform_index.html", sites=sites, q=q, status=status, incomplete=incomplete,
                       kinds=SITE_KIND_LABELS, footer_gaps=footer.gaps)


def _created(tenant: Tenant):
    db.session.commit()
    flash(str(_l("The site %(name)s was created, with the mandatory sections.", name=tenant.name_zh)), "success")
    return redirect(url_for("sites.platform_site", tenant_id=tenant.id))


def _created_with_administrator(tenant: Tenant, user, password: str):
    """The answer to the new-site form: the administrator's temporary password, in this page alone.

    Never flashed: a flash message waits in the session cookie, which can be
    read and sent again; here it is in one answer, kept by no cache.
    """
    response = make_response(render_page(
        "sites/platform_created.html", tenant=tenant,
        administrator=_l("Its administrator %(name)s signs in at %(address)s with the temporary password "
                         "%(password)s, shown only now; it must be changed at the first sign-in.",
                         name=user.username, address=site_url(tenant, "/admin/login"), password=password)))
    response.headers["Cache-Control"] = "no-store"
    return response


@_console("/platform/sites/new", methods=("GET", "POST"))
def platform_new():
    form = SiteForm()
    form.group.choices = choices([("", _l("— none: not listed on the city portal —"))]
                                 + [(group.key, localized(group)) for group in site_groups()])
    if not form.is_submitted() and len(form.group.choices) > 1:
        form.group.data = form.group.choices[1].value
    if form.validate_on_submit():
        try:
            tenant, user, password = create_site_with_administrator(
                slug=form.slug.data or "", name_zh=form.name_zh.data or "", name_en=form.name_en.data or "",
                kind=form.kind.data, domain=form.domain.data or None, aliases=form.alias_list(),
                group_key=form.group.data or None, footer_fields=form.footer(),
                administrator=(form.admin_username.data or "", form.admin_name.data or ""),
                is_window_department=form.is_window_department.data, accent=form.accent.data)
        except ProvisioningError as error:  # nothing of the site, its footer or its account is kept
            db.session.rollback()
            show_problems(form, error, {"alias ": "aliases"})
        else:
            db.session.commit()
            return _created_with_administrator(tenant, user, password)
    return render_page("sites/platform_new.html", form=form, base_domain=current_app.config["BASE_DOMAIN"])


@_console("/platform/sites/catalog")
def platform_catalog():
    groups = {group["key"]: group for group in load_catalog()["groups"]}
    return render_page("sites/platform_catalog.html", entries=catalog_entries_missing(), groups=groups,
                       kinds=SITE_KIND_LABELS, action_form=ActionForm())


@_console("/platform/sites/catalog/<slug>", methods=("POST",))
def platform_create_from_catalog(slug: str):
    submitted(ActionForm())
    if not any(entry["slug"] == slug for entry in load_catalog()["sites"]):
        abort(404)
    try:
        tenant = create_from_catalog(slug)
    except ProvisioningError as error:
        db.session.rollback()
        flash(str(_l("The site could not be created: %(problems)s", problems=error.message)), "error")
        return redirect(url_for("sites.platform_catalog"))
    return _created(tenant)


def _site_page(tenant: Tenant, *, domain_form: DomainForm | None = None, suspend_form: SuspendForm | None = None):
    return render_page("sites/platform_site.html", tenant=tenant, kinds=SITE_KIND_LABELS, accents=ACCENT_LABELS,
                       footer_labels=footer.LABELS, footer_gaps=footer.gaps(tenant),
                       domain_form=domain_form or DomainForm(formdata=None),
                       suspend_form=suspend_form or SuspendForm(formdata=None),
                       mourning_form=MourningForm(formdata=None), action_form=ActionForm(formdata=None),
                       parts=site_parts())


def _back_to(tenant: Tenant):
    return redirect(url_for("sites.platform_site", tenant_id=tenant.id))


@_console("/platform/sites/<int:tenant_id>")
def platform_site(tenant_id: int):
    return _site_page(get_or_404(Tenant, tenant_id))


@_console("/platform/sites/<int:tenant_id>/domains", methods=("POST",))
def platform_add_domain(tenant_id: int):
    tenant = get_or_404(Tenant, tenant_id)
    form = DomainForm()
    if form.validate_on_submit():
        try:
            domain = add_site_domain(tenant, form.hostname.data, primary=form.primary.data)
        except ProvisioningError as error:
            db.session.rollback()
            show_problems(form, error, {"domain": "hostname"})
        else:
            db.session.commit()
            flash(str(_l("%(host)s now serves the site.", host=domain.hostname)), "success")
            return _back_to(tenant)
    return _site_page(tenant, domain_form=form)


@_console("/platform/sites/<int:tenant_id>/domains/remove", methods=("POST",))
def platform_remove_domain(tenant_id: int):
    tenant = get_or_404(Tenant, tenant_id)
    form = submitted(RemoveDomainForm())
    try:
        remove_site_domain(tenant, form.hostname.data)
    except ProvisioningError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(str(_l("%(host)s no longer serves the site.", host=form.hostname.data.strip().lower())), "success")
    return _back_to(tenant)


@_console("/platform/sites/<int:tenant_id>/suspend", methods=("POST",))
def platform_suspend(tenant_id: int):
    tenant = get_or_404(Tenant, tenant_id)
    form = SuspendForm()
    if form.validate_on_submit():
        suspend_site(tenant, form.reason.data)
        db.session.commit()
        flash(str(_l("The site is suspended: the public sees a maintenance page.")), "success")
        return _back_to(tenant)
    return _site_page(tenant, suspend_form=form)


@_console("/platform/sites/<int:tenant_id>/resume", methods=("POST",))
def platform_resume(tenant_id: int):
    tenant = get_or_404(Tenant, tenant_id)
    submitted(ActionForm())
    resume_site(tenant)
    db.session.commit()
    flash(str(_l("The site is open to the public again.")), "success")
    return _back_to(tenant)


def _mourning_choice(form: MourningForm) -> bool:
    """Which of the two buttons was pressed; a post with neither (or both) is a bad request."""
    if form.start.data == form.end.data:
        abort(400)
    return bool(form.start.data)


@_console("/platform/sites/<int:tenant_id>/mourning", methods=("POST",))
def platform_site_mourning(tenant_id: int):
    tenant = get_or_404(Tenant, tenant_id)
    on = _mourning_choice(submitted(MourningForm()))
    set_site_mourning(tenant, on)
    db.session.commit()
    flash(str(_l("Mourning mode is on for this site.") if on else _l("Mourning mode is off for this site.")),
          "success")
    return _back_to(tenant)


@_console("/platform/mourning", methods=("GET", "POST"))
def platform_mourning():
    form = MourningForm()
    if form.validate_on_submit():
        on = _mourning_choice(form)
        set_city_mourning(on)
        db.session.commit()
        flash(str(_l("Mourning mode is on: every site and the portal are grey.") if on
                  else _l("Mourning mode is off: every site and the portal are in colour again.")), "success")
        return redirect(url_for("sites.platform_mourning"))
    sites = all_sites()
    return render_page("sites/platform_mourning.html", form=form, portal=portal_in_mourning(),
                       in_mourning=[s for s in sites if s.is_mourning], total=len(sites))


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "sites.settings", _l("Site settings"), "site.view", order=60)
    add_menu_item(app, "platform", "sites.platform_index", _l("Sites"), VIEW, order=10)
    add_menu_item(app, "platform", "sites.platform_mourning", _l("Mourning mode"), VIEW, order=60)
