"""The information bureau's console: every site, the platform's own data, the audit trail.

Everything here lives on the platform host (`admin.<city domain>`), where no
site is active: pages need "platform.view" (the evaluator has it), changes
"platform.manage". Every change is audited on the platform; a city-wide
notice is audited in every site that receives it, too.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, has_request_context, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.audit.models import AuditEntry, PlatformAuditEntry
from core.audit.operations import record
from core.auth.guard import route
from core.auth.models import User
from core.auth.operations import AccountError
from core.auth.permissions import can
from core.extensions import db
from core.forms import choices
from core.i18n import localized
from core.platform.forms import (SITE_KIND_LABELS, ActionForm, CategoryForm, DomainForm, EditMandatorySectionForm,
                                 MandatorySectionForm, MourningForm, MoveForm, NoticeForm, RemoveDomainForm,
                                 SiteForm, SuspendForm)
from core.platform.models import DisclosureCategory
from core.platform.operations import (PlatformError, add_category, add_mandatory_section, catalog_entries_missing,
                                      create_from_catalog, delete_category, disclosure_categories,
                                      ensure_default_categories, find_sites, find_users, lock_user,
                                      mandatory_sections, move_category, move_mandatory_section, portal_in_mourning,
                                      push_city_notice, remove_mandatory_section, reset_password, roles_by_user,
                                      set_city_mourning, set_site_mourning, unlock_user, update_category,
                                      update_mandatory_section)
from core.sections.forms import KIND_LABELS as SECTION_KIND_LABELS
from core.sections.models import MandatorySection
from core.sections.operations import ensure_mandatory_set, sync_all_tenants
from core.timeutil import now
from tenants.catalog import load_catalog
from tenants.models import STATUSES, SiteGroup, Tenant
from tenants.provisioning import (ProvisioningError, add_domain, create_tenant, remove_domain, resume_tenant,
                                  suspend_tenant)
from themes import render_page

bp = Blueprint("platform", __name__, url_prefix="/platform")
VIEW, MANAGE = "platform.view", "platform.manage"
PER_PAGE = 50

MENU = (
    ("platform.home", _l("Sites"), VIEW),
    ("platform.sections", _l("Mandatory sections"), VIEW),
    ("platform.categories", _l("Disclosure categories"), VIEW),
    ("platform.users", _l("Users"), VIEW),
    ("platform.notices", _l("City-wide notice"), VIEW),
    ("platform.mourning", _l("Mourning mode"), VIEW),
    ("platform.audit", _l("Audit log"), VIEW),
    ("platform.jobs", _l("Job runs"), VIEW),
)


def platform_menu() -> list[tuple[str, str]]:
    return [(endpoint, str(label)) for endpoint, label, permission in MENU if can(current_user, permission)]


def _page(rule: str, methods=("GET",)):
    """A console route: reading needs platform.view, any change platform.manage."""
    return route(bp, rule, permission=VIEW if "GET" in methods else MANAGE, write=MANAGE, host="platform",
                 methods=methods)


def _submitted(form) -> None:
    """An action button's form: a POST without a valid one is a bad request."""
    if not form.validate_on_submit():
        abort(400)


def _show_problems(form, problems: dict[str, str], aliases: dict[str, str] | None = None) -> None:
    """Put each problem under its field; what belongs to no field goes above the form."""
    for field, message in problems.items():
        name = field
        for prefix, target in (aliases or {}).items():
            if field.startswith(prefix):
                name = target
        target = form._fields.get(name)
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


def _sync_message(action: str, counts: dict[str, int]) -> str:
    return str(_l("%(action)s Every site brought in step: %(added)s sections added, %(updated)s updated, "
                  "%(released)s handed to the site.", action=action, **counts))


# --- sites -------------------------------------------------------------------------------------

@_page("/")
def home():
    q = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    return render_page("platform/home.html", sites=find_sites(q, status), q=q, status=status,
                       kinds=SITE_KIND_LABELS)


def _group_choices():
    groups = db.session.execute(select(SiteGroup).order_by(SiteGroup.position, SiteGroup.id)).scalars()
    return choices([("", _l("— none: not listed on the city portal —"))] + [(g.key, localized(g)) for g in groups])


@_page("/sites/new", methods=("GET", "POST"))
def new_site():
    form = SiteForm()
    form.group.choices = _group_choices()
    if not form.is_submitted() and len(form.group.choices) > 1:
        form.group.data = form.group.choices[1].value
    if form.validate_on_submit():
        try:
            tenant = create_tenant(slug=form.slug.data or "", name_zh=form.name_zh.data or "",
                                   name_en=form.name_en.data or "", kind=form.kind.data,
                                   domain=form.domain.data or None, aliases=form.alias_list(),
                                   group_key=form.group.data or None,
                                   is_window_department=form.is_window_department.data, accent=form.accent.data)
        except ProvisioningError as error:
            db.session.rollback()
            _show_problems(form, error.problems, {"alias ": "aliases"})
        else:
            record("site.create", tenant.slug, name_zh=tenant.name_zh, kind=tenant.kind,
                   domains=[d.hostname for d in tenant.domains], window=tenant.is_window_department)
            db.session.commit()
            flash(str(_l("The site %(name)s was created, with the mandatory sections.", name=tenant.name_zh)),
                  "success")
            return redirect(url_for("platform.site", tenant_id=tenant.id))
    return render_page("platform/site_new.html", form=form, base_domain=current_app.config["BASE_DOMAIN"])


@_page("/sites/catalog")
def catalog():
    groups = {g["key"]: g for g in load_catalog()["groups"]}
    return render_page("platform/catalog.html", entries=catalog_entries_missing(), groups=groups,
                       kinds=SITE_KIND_LABELS, action_form=ActionForm())


@_page("/sites/catalog/<slug>", methods=("POST",))
def create_catalog_site(slug: str):
    _submitted(ActionForm())
    if not any(entry["slug"] == slug for entry in load_catalog()["sites"]):
        abort(404)
    try:
        tenant = create_from_catalog(slug)
    except (ProvisioningError, PlatformError) as error:
        db.session.rollback()
        flash(str(_l("The site could not be created: %(problems)s", problems=" ".join(error.problems.values()))),
              "error")
        return redirect(url_for("platform.catalog"))
    record("site.create", tenant.slug, name_zh=tenant.name_zh, kind=tenant.kind, source="catalog",
           domains=[d.hostname for d in tenant.domains], window=tenant.is_window_department)
    db.session.commit()
    flash(str(_l("The site %(name)s was created, with the mandatory sections.", name=tenant.name_zh)), "success")
    return redirect(url_for("platform.site", tenant_id=tenant.id))


def _tenant_or_404(tenant_id: int) -> Tenant:
    tenant = db.session.get(Tenant, tenant_id)  # the registry of sites is platform data
    if tenant is None:
        abort(404)
    return tenant


def _site_page(tenant: Tenant, *, domain_form: DomainForm | None = None, suspend_form: SuspendForm | None = None):
    return render_page("platform/site.html", tenant=tenant, kinds=SITE_KIND_LABELS,
                       domain_form=domain_form or DomainForm(formdata=None),
                       suspend_form=suspend_form or SuspendForm(formdata=None),
                       mourning_form=MourningForm(formdata=None), action_form=ActionForm(formdata=None))


@_page("/sites/<int:tenant_id>")
def site(tenant_id: int):
    return _site_page(_tenant_or_404(tenant_id))


@_page("/sites/<int:tenant_id>/domains", methods=("POST",))
def add_site_domain(tenant_id: int):
    tenant = _tenant_or_404(tenant_id)
    form = DomainForm()
    if form.validate_on_submit():
        try:
            domain = add_domain(tenant, form.hostname.data, primary=form.primary.data)
        except ProvisioningError as error:
            db.session.rollback()
            _show_problems(form, {"hostname" if k == "domain" else k: v for k, v in error.problems.items()})
        else:
            record("site.domain.add", tenant.slug, hostname=domain.hostname, primary=domain.is_primary)
            db.session.commit()
            flash(str(_l("%(host)s now serves the site.", host=domain.hostname)), "success")
            return redirect(url_for("platform.site", tenant_id=tenant.id))
    return _site_page(tenant, domain_form=form)


@_page("/sites/<int:tenant_id>/domains/remove", methods=("POST",))
def remove_site_domain(tenant_id: int):
    tenant = _tenant_or_404(tenant_id)
    form = RemoveDomainForm()
    _submitted(form)
    try:
        remove_domain(tenant, form.hostname.data)
    except ProvisioningError as error:
        db.session.rollback()
        flash(" ".join(error.problems.values()), "error")
    else:
        record("site.domain.remove", tenant.slug, hostname=form.hostname.data.strip().lower())
        db.session.commit()
        flash(str(_l("%(host)s no longer serves the site.", host=form.hostname.data.strip().lower())), "success")
    return redirect(url_for("platform.site", tenant_id=tenant.id))


@_page("/sites/<int:tenant_id>/suspend", methods=("POST",))
def suspend_site(tenant_id: int):
    tenant = _tenant_or_404(tenant_id)
    form = SuspendForm()
    if form.validate_on_submit():
        suspend_tenant(tenant, form.reason.data)
        record("site.suspend", tenant.slug, reason=form.reason.data)
        db.session.commit()
        flash(str(_l("The site is suspended: the public sees a maintenance page.")), "success")
        return redirect(url_for("platform.site", tenant_id=tenant.id))
    db.session.rollback()
    return _site_page(tenant, suspend_form=form)


@_page("/sites/<int:tenant_id>/resume", methods=("POST",))
def resume_site(tenant_id: int):
    tenant = _tenant_or_404(tenant_id)
    _submitted(ActionForm())
    if tenant.status != "active":
        resume_tenant(tenant)
        record("site.resume", tenant.slug)
        db.session.commit()
    flash(str(_l("The site is open to the public again.")), "success")
    return redirect(url_for("platform.site", tenant_id=tenant.id))


@_page("/sites/<int:tenant_id>/mourning", methods=("POST",))
def site_mourning(tenant_id: int):
    tenant = _tenant_or_404(tenant_id)
    form = MourningForm()
    _submitted(form)
    on = _mourning_choice(form)
    set_site_mourning(tenant, on)
    record("site.mourning", tenant.slug, on=on)
    db.session.commit()
    flash(str(_l("Mourning mode is on for this site.") if on else _l("Mourning mode is off for this site.")),
          "success")
    return redirect(url_for("platform.site", tenant_id=tenant.id))


def _mourning_choice(form: MourningForm) -> bool:
    """Which of the two buttons was pressed; a post with neither is a bad request."""
    if form.start.data == form.end.data:
        abort(400)
    return bool(form.start.data)


# --- the mandatory section set ----------------------------------------------------------------

def _mandatory_or_404(section_id: int) -> MandatorySection:
    row = db.session.get(MandatorySection, section_id)
    if row is None:
        abort(404)
    return row


@_page("/sections", methods=("GET", "POST"))
def sections():
    form = MandatorySectionForm()
    if form.validate_on_submit():
        try:
            row = add_mandatory_section(key=form.key.data, name_zh=form.name_zh.data, name_en=form.name_en.data,
                                        kind=form.kind.data, position=form.position.data,
                                        homepage_priority=form.homepage_priority.data, in_nav=form.in_nav.data)
            counts = sync_all_tenants()
        except PlatformError as error:
            db.session.rollback()
            _show_problems(form, error.problems)
        else:
            record("mandatory.add", row.key, name_zh=row.name_zh, kind=row.kind, position=row.position + 1,
                   **counts)
            db.session.commit()
            flash(_sync_message(str(_l("Section added to the set.")), counts), "success")
            return redirect(url_for("platform.sections"))
    return render_page("platform/sections.html", rows=mandatory_sections(), form=form, kinds=SECTION_KIND_LABELS,
                       action_form=ActionForm(formdata=None))


@_page("/sections/defaults", methods=("POST",))
def section_defaults():
    _submitted(ActionForm())
    added = ensure_mandatory_set(restore=True)
    counts = sync_all_tenants()
    record("mandatory.defaults", "", defaults_added=added, **counts)
    db.session.commit()
    flash(_sync_message(str(_l("%(n)s default sections added to the set.", n=added)), counts), "success")
    return redirect(url_for("platform.sections"))


@_page("/sections/<int:section_id>", methods=("GET", "POST"))
def edit_section(section_id: int):
    row = _mandatory_or_404(section_id)
    form = EditMandatorySectionForm(obj=row)
    if form.validate_on_submit():
        try:
            changed = update_mandatory_section(row, name_zh=form.name_zh.data, name_en=form.name_en.data,
                                               kind=form.kind.data, homepage_priority=form.homepage_priority.data,
                                               in_nav=form.in_nav.data)
            counts = sync_all_tenants()
        except PlatformError as error:
            db.session.rollback()
            _show_problems(form, error.problems)
        else:
            record("mandatory.update", row.key, changed=changed, **counts)
            db.session.commit()
            flash(_sync_message(str(_l("Section saved.")), counts), "success")
            return redirect(url_for("platform.sections"))
    return render_page("platform/section_edit.html", row=row, form=form)


@_page("/sections/<int:section_id>/delete", methods=("POST",))
def delete_section(section_id: int):
    row = _mandatory_or_404(section_id)
    _submitted(ActionForm())
    key, name_zh = row.key, row.name_zh
    remove_mandatory_section(row)
    counts = sync_all_tenants()
    record("mandatory.remove", key, name_zh=name_zh, **counts)
    db.session.commit()
    flash(_sync_message(str(_l("Section removed from the set; every site keeps it, with its items, as its own.")),
                        counts), "success")
    return redirect(url_for("platform.sections"))


@_page("/sections/<int:section_id>/move", methods=("POST",))
def move_section(section_id: int):
    row = _mandatory_or_404(section_id)
    form = MoveForm()
    _submitted(form)
    if move_mandatory_section(row, -1 if form.direction.data == "up" else 1):
        counts = sync_all_tenants()
        record("mandatory.move", row.key, direction=form.direction.data, position=row.position + 1, **counts)
        db.session.commit()
        flash(_sync_message(str(_l("Order changed.")), counts), "success")
    return redirect(url_for("platform.sections"))


# --- disclosure categories --------------------------------------------------------------------

def _category_or_404(category_id: int) -> DisclosureCategory:
    category = db.session.get(DisclosureCategory, category_id)
    if category is None:
        abort(404)
    return category


@_page("/categories", methods=("GET", "POST"))
def categories():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            category = add_category(name_zh=form.name_zh.data, name_en=form.name_en.data,
                                    description=form.description.data or "")
        except PlatformError as error:
            db.session.rollback()
            _show_problems(form, error.problems)
        else:
            record("category.add", category.name_zh, name_en=category.name_en, position=category.position + 1)
            db.session.commit()
            flash(str(_l("Category added.")), "success")
            return redirect(url_for("platform.categories"))
    return render_page("platform/categories.html", rows=disclosure_categories(), form=form,
                       action_form=ActionForm(formdata=None))


@_page("/categories/defaults", methods=("POST",))
def category_defaults():
    _submitted(ActionForm())
    added = ensure_default_categories()
    if added:
        record("category.defaults", "", added=added)
        db.session.commit()
    flash(str(_l("%(n)s default categories added.", n=added)), "success")
    return redirect(url_for("platform.categories"))


@_page("/categories/<int:category_id>", methods=("GET", "POST"))
def edit_category(category_id: int):
    category = _category_or_404(category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        before = {"name_zh": category.name_zh, "name_en": category.name_en}
        try:
            update_category(category, name_zh=form.name_zh.data, name_en=form.name_en.data,
                            description=form.description.data or "")
        except PlatformError as error:
            db.session.rollback()
            _show_problems(form, error.problems)
        else:
            record("category.update", category.name_zh, before=before, name_en=category.name_en)
            db.session.commit()
            flash(str(_l("Category saved.")), "success")
            return redirect(url_for("platform.categories"))
    return render_page("platform/category_edit.html", category=category, form=form)


@_page("/categories/<int:category_id>/delete", methods=("POST",))
def delete_category_view(category_id: int):
    category = _category_or_404(category_id)
    _submitted(ActionForm())
    name_zh, name_en = category.name_zh, category.name_en
    delete_category(category)
    record("category.delete", name_zh, name_en=name_en)
    db.session.commit()
    flash(str(_l("Category deleted.")), "success")
    return redirect(url_for("platform.categories"))


@_page("/categories/<int:category_id>/move", methods=("POST",))
def move_category_view(category_id: int):
    category = _category_or_404(category_id)
    form = MoveForm()
    _submitted(form)
    if move_category(category, -1 if form.direction.data == "up" else 1):
        record("category.move", category.name_zh, direction=form.direction.data, position=category.position + 1)
        db.session.commit()
    return redirect(url_for("platform.categories"))


# --- people ------------------------------------------------------------------------------------

def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or int(raw) < 1:
        abort(404)
    return int(raw)


@_page("/users")
def users():
    q = request.args.get("q", "").strip()
    pagination = db.paginate(find_users(q), page=_page_number(), per_page=PER_PAGE, error_out=False)
    return render_page("platform/users.html", q=q, pagination=pagination,
                       roles=roles_by_user([u.id for u in pagination.items]), action_form=ActionForm(formdata=None),
                       now=now())


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _back_to_users():
    return redirect(url_for("platform.users", q=request.args.get("q") or None))


@_page("/users/<int:user_id>/reset-password", methods=("POST",))
def reset_user_password(user_id: int):
    person = _user_or_404(user_id)
    _submitted(ActionForm())
    if person.id == current_user.id:
        flash(str(_l("Change your own password on your account page.")), "error")
        return _back_to_users()
    try:
        password = reset_password(person)
    except AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to_users()
    record("password.reset", person.username, by="console")
    db.session.commit()
    flash(str(_l("New temporary password for %(name)s, shown only now: %(password)s. It must be changed at the "
                 "next sign-in; every login of the account has ended.", name=person.username, password=password)),
          "success")
    return _back_to_users()


@_page("/users/<int:user_id>/lock", methods=("POST",))
def lock(user_id: int):
    person = _user_or_404(user_id)
    _submitted(ActionForm())
    try:
        lock_user(person, actor=current_user)
    except PlatformError as error:
        db.session.rollback()
        flash(" ".join(error.problems.values()), "error")
        return _back_to_users()
    record("user.lock", person.username)
    db.session.commit()
    flash(str(_l("%(name)s is locked and signed out everywhere.", name=person.username)), "success")
    return _back_to_users()


@_page("/users/<int:user_id>/unlock", methods=("POST",))
def unlock(user_id: int):
    person = _user_or_404(user_id)
    _submitted(ActionForm())
    unlock_user(person)
    record("user.unlock", person.username)
    db.session.commit()
    flash(str(_l("%(name)s can sign in again.", name=person.username)), "success")
    return _back_to_users()


# --- the audit trail ---------------------------------------------------------------------------

@_page("/audit")
def audit():
    page = _page_number()
    action = request.args.get("action", "").strip()
    raw_site = request.args.get("site", "").strip()
    tenant = None
    if raw_site:
        if not raw_site.isdigit():
            abort(404)
        tenant = _tenant_or_404(int(raw_site))
        query = select(AuditEntry).where(AuditEntry.tenant_id == tenant.id).execution_options(all_tenants=True)
        model = AuditEntry
    else:
        query, model = select(PlatformAuditEntry), PlatformAuditEntry
    if action:
        query = query.where(model.action.startswith(action, autoescape=True))
    pagination = db.paginate(query.order_by(model.id.desc()), page=page, per_page=PER_PAGE, error_out=False)
    sites = db.session.execute(select(Tenant).order_by(Tenant.slug)).scalars().all()
    return render_page("platform/audit.html", pagination=pagination, action=action, tenant=tenant, sites=sites)


@bp.url_defaults
def _keep_audit_site(endpoint: str, values: dict) -> None:
    """The audit pager (audit/_table.html) links to the next page: keep the site being read."""
    if endpoint == "platform.audit" and "page" in values and "site" not in values and has_request_context() \
            and request.args.get("site"):
        values["site"] = request.args["site"]


# --- mourning and city-wide notices -----------------------------------------------------------

@_page("/mourning", methods=("GET", "POST"))
def mourning():
    form = MourningForm()
    if form.validate_on_submit():
        on = _mourning_choice(form)
        changed = set_city_mourning(on)
        record("mourning.city", "", on=on, sites_changed=changed)
        db.session.commit()
        flash(str(_l("Mourning mode is on: every site and the portal are grey.") if on
                  else _l("Mourning mode is off: every site and the portal are in colour again.")), "success")
        return redirect(url_for("platform.mourning"))
    sites = db.session.execute(select(Tenant).order_by(Tenant.slug)).scalars().all()
    return render_page("platform/mourning.html", form=form, portal=portal_in_mourning(),
                       in_mourning=[s for s in sites if s.is_mourning], total=len(sites))


@_page("/notices", methods=("GET", "POST"))
def notices():
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            reached, skipped = push_city_notice(title=form.title.data, body=form.body.data)
        except PlatformError as error:
            db.session.rollback()
            _show_problems(form, error.problems)
        else:
            record("notice.push", form.title.data, sites=len(reached), skipped=[s.slug for s in skipped])
            db.session.commit()
            flash(str(_l("The notice was published on %(n)s sites.", n=len(reached))), "success")
            if skipped:
                flash(str(_l("These sites have no notices section and did not get it: %(sites)s",
                             sites=", ".join(s.slug for s in skipped))), "error")
            return redirect(url_for("platform.notices"))
    sent = db.session.execute(select(PlatformAuditEntry).where(PlatformAuditEntry.action == "notice.push")
                              .order_by(PlatformAuditEntry.id.desc()).limit(20)).scalars().all()
    return render_page("platform/notices.html", form=form, sent=sent)


# --- scheduled jobs ----------------------------------------------------------------------------

JOB_OUTCOMES = {"running": _l("Running"), "success": _l("Success"), "partial": _l("Partial"),
                "failure": _l("Failure")}


@_page("/jobs")
def jobs():
    """Every job run, newest first; the schedule and the scheduler's lease above them."""
    from jobs.lease import current_lease
    from jobs.models import JobRun
    from jobs.registry import ScheduleError, effective_schedules

    page = _page_number()
    job = request.args.get("job", "").strip()
    outcome = request.args.get("outcome", "")
    outcome = outcome if outcome in JOB_OUTCOMES else ""
    query = select(JobRun)
    if job:
        query = query.where(JobRun.job_id == job)
    if outcome:
        query = query.where(JobRun.outcome == outcome)
    pagination = db.paginate(query.order_by(JobRun.id.desc()), page=page, per_page=PER_PAGE, error_out=False)
    try:
        schedules, schedule_error = effective_schedules(current_app.config), ""
    except ScheduleError as error:
        schedules, schedule_error = [], str(error)
    known = sorted({s.job.id for s in schedules} | set(db.session.execute(select(JobRun.job_id).distinct()).scalars()))
    lease = current_lease()
    return render_page("platform/jobs.html", pagination=pagination, job=job, outcome=outcome, job_ids=known,
                       outcomes=JOB_OUTCOMES, schedules=schedules, schedule_error=schedule_error,
                       lease=lease if lease is not None and lease.expires_at > now() else None)


def init_app(app) -> None:
    app.register_blueprint(bp)
