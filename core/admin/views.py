"""A site's admin area: its home, its people and roles, its own settings."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.admin.forms import NewUserForm, RolesForm, SettingsForm, role_label
from core.audit.operations import record
from core.auth.guard import route
from core.auth.operations import AccountError, create_user, member_of_site, set_site_roles, site_members
from core.auth.passwords import generate_password
from core.auth.permissions import can, site_roles
from core.duties.operations import duty_table
from core.extensions import db
from tenants.models import Tenant
from tenants.provisioning import ProvisioningError, set_logo, update_tenant
from themes import render_page

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: The admin menu: what each entry needs, in the order shown.
MENU = (
    ("admin.home", _l("Overview"), "admin.enter"),
    ("publishing.index", _l("Articles"), "admin.enter"),
    ("admin.users", _l("People and roles"), "site.view"),
    ("duties.index", _l("Duties"), "site.view"),
    ("sections.index", _l("Sections"), "site.view"),
    ("admin.settings", _l("Site settings"), "site.view"),
    ("audit.index", _l("Audit log"), "site.audit.view"),
)


def admin_menu() -> list[tuple[str, str]]:
    if g.get("host_kind") == "platform":
        from core.platform.views import platform_menu

        return platform_menu()
    return [(endpoint, str(label)) for endpoint, label, permission in MENU if can(current_user, permission)]


@route(bp, "/", permission="admin.enter")
def home():
    from core.publishing.operations import queue_counts

    duties = duty_table()
    return render_page("admin/home.html", my_roles=[role_label(r) for r in sorted(site_roles(current_user))],
                       duties=duties, gaps=[d for d in duties if d.responsible is None],
                       queues=queue_counts(current_user))


@route(bp, "/users", permission="site.view")
def users():
    return render_page("admin/users.html", members=site_members(), role_label=role_label)


@route(bp, "/users/new", permission="site.users.manage", methods=("GET", "POST"))
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        password = generate_password()
        try:
            user = create_user(username=form.username.data, display_name=form.display_name.data,
                               password=password, roles=form.roles.data)
        except AccountError as error:
            db.session.rollback()
            form.username.errors.append(str(error))
        else:
            db.session.commit()
            flash(str(_l("Account %(name)s created. Its temporary password, shown only now: %(password)s",
                         name=user.username, password=password)), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_page("admin/user_new.html", form=form)


@route(bp, "/users/<int:user_id>", permission="site.view", write="site.users.manage", methods=("GET", "POST"))
def user(user_id: int):
    """One person's roles on this site. A user without a role here is not found."""
    person = member_of_site(user_id)
    if person is None:
        abort(404)
    form = RolesForm()
    if form.validate_on_submit():
        if person.id == current_user.id and "site_admin" not in form.roles.data and current_user.platform_role is None:
            form.roles.errors.append(str(_l("You cannot remove your own administrator role.")))
        else:
            try:
                set_site_roles(person, form.roles.data)
            except AccountError as error:
                db.session.rollback()
                form.roles.errors.append(str(error))
            else:
                db.session.commit()
                flash(str(_l("Roles saved.")), "success")
                return redirect(url_for("admin.user", user_id=person.id))
    elif not form.is_submitted():
        form.roles.data = sorted(site_roles(person))
    return render_page("admin/user.html", person=person, form=form)


@route(bp, "/settings", permission="site.view", write="site.settings.manage", methods=("GET", "POST"))
def settings():
    tenant = db.session.execute(select(Tenant).where(Tenant.id == g.site.id)).scalar_one()
    form = SettingsForm(obj=tenant)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data.strip() for name in
                  ("sponsor_zh", "sponsor_en", "address_zh", "address_en", "phone", "icp_record",
                   "psb_record", "site_code")}
        try:
            update_tenant(tenant, accent=form.accent.data, banner=form.banner.data,
                          review_own_forbidden=form.review_own_forbidden.data, **values)
            upload = form.logo.data
            if upload and getattr(upload, "filename", ""):
                set_logo(tenant, upload.filename, upload.read())
        except ProvisioningError as error:
            db.session.rollback()
            for field, message in error.problems.items():
                getattr(form, field, form.logo).errors.append(message)
        else:
            record("site.settings", tenant.slug, **values, accent=form.accent.data, banner=form.banner.data)
            db.session.commit()
            flash(str(_l("Settings saved.")), "success")
            return redirect(url_for("admin.settings"))
    return render_page("admin/settings.html", form=form, tenant=tenant)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(admin_menu=admin_menu, can=lambda p: can(current_user, p), role_name=role_label)
