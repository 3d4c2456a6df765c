"""Accounts' pages: signing in and out, one's own account, a site's people and roles, the city's accounts."""
from __future__ import annotations

import time

import segno
from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.auth.forms import (AccountForm, CodeForm, LoginForm, NewUserForm, PasswordChangeForm, RolesForm,
                             TotpDisableForm, role_label)
from core.auth.guard import needs_totp_enrolment
from core.auth.handoff import HANDOFF_SECONDS, ticket_for
from core.auth.models import User
from core.auth.operations import (LOGIN_FAILED, AccountError, authenticate, change_password as change_own_password,
                                  create_user, disable_totp as disable_own_totp, enable_totp, enter_from_console,
                                  lock_user, pass_second_factor, register_success, reset_password, reset_staff_password,
                                  set_site_roles, sign_out, unlock_staff, unlock_user, update_account)
from core.auth.passwords import generate_password
from core.auth.permissions import can, site_roles
from core.auth.queries import find_users, member_of_site, new_totp_secret, roles_by_user, site_members, \
    totp_uri
from core.auth.sessions import open_session
from core.extensions import db, limiter
from core.forms import ActionForm, show_problems, submitted
from core.i18n import LANG_COOKIE, localized, safe_next
from core.privacy.crypto import PersonalDataKeyError, decrypt, encrypt
from core.timeutil import now
from core.web import add_menu_item, add_panel, get_or_404, page_number, route
from core.web.actions import attempt
from core.web.menus import home_endpoint
from tenants.models import Tenant
from themes import render_page, site_url

bp = Blueprint("auth", __name__, template_folder="templates")
PENDING_SECONDS = 300
PER_PAGE = 50


def my_roles_panel() -> dict:
    """For the admin home's card: the signed-in user's roles on this site, as people say them."""
    return {"my_roles": [role_label(r) for r in sorted(site_roles(current_user))]}


def home_url() -> str:
    return url_for(home_endpoint("platform" if g.get("host_kind") == "platform" else "site"))


def _set_language_cookie(response, language: str):
    response.set_cookie(LANG_COOKIE, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _finish_login(user: User, next_url: str | None):
    register_success(user)
    open_session(user)
    db.session.commit()
    target = safe_next(next_url) if next_url else home_url()
    if user.must_change_password:
        target = url_for("auth.change_password")
    elif needs_totp_enrolment(user):
        target = url_for("auth.enrol_totp")
    return _set_language_cookie(redirect(target), user.language)


def _host_key() -> str:
    """Which host this is, as a sign-in remembers it: the site's id, or the console."""
    site = g.get("site")
    return f"site:{site.id}" if site is not None else str(g.get("host_kind"))


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_limit_key() -> str:
    """One bucket per address and per site (or the console), whatever port or spelling the Host header has."""
    site = g.get("site")
    return f"{request.remote_addr}|{site.slug if site is not None else g.get('host_kind', '')}"


# --- signing in and out ----------------------------------------------------------------------

@route(bp, "/admin/login", permission=None, host="any", methods=("GET", "POST"))
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_limit_key)
def login():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except AccountError as error:
            db.session.commit()  # the failure, the count and the lockout are kept
            form.password.errors.append(error.message)
        else:
            if user.totp_enabled:
                session.clear()
                session["pending_login"] = {"user_id": user.id, "at": time.time(), "next": request.args.get("next"),
                                            "host": _host_key()}
                db.session.commit()
                return redirect(url_for("auth.verify"))
            return _finish_login(user, request.args.get("next"))
    return render_page("auth/login.html", form=form)


@route(bp, "/admin/login/verify", permission=None, host="any", methods=("GET", "POST"))
def verify():
    pending = session.get("pending_login")
    # Half a sign-in belongs to the host it began on: another site's (or the console's) is started over.
    if not pending or time.time() - pending["at"] > PENDING_SECONDS or pending.get("host") != _host_key():
        session.pop("pending_login", None)
        return redirect(url_for("auth.login"))
    user = db.session.get(User, pending["user_id"])
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if pass_second_factor(user, form.code.data):
            return _finish_login(user, pending.get("next"))
        db.session.commit()
        if user.locked_until:
            session.pop("pending_login", None)
            flash(str(LOGIN_FAILED), "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(str(_l("The code is not right. Codes change every 30 seconds.")))
    return render_page("auth/verify.html", form=form)


# --- the bureau's way into a site's admin: a link from the console (core.auth.handoff) -------------

@route(bp, "/platform/enter/<int:tenant_id>", permission="platform.view", host="platform")
def open_site(tenant_id: int):
    """The console's page that takes a signed-in bureau account into one site's admin (a link good once)."""
    tenant = get_or_404(Tenant, tenant_id)
    ticket = ticket_for(current_user, tenant.id)
    target = site_url(tenant, url_for("auth.from_console", ticket=ticket))
    response = make_response(render_page("auth/open_site.html", tenant=tenant, target=target,
                                         minutes=HANDOFF_SECONDS // 60))
    response.headers["Cache-Control"] = "no-store"  # the link in it is a way in: kept by no cache
    return response


@route(bp, "/admin/login/from-console", permission=None, host="site")
def from_console():
    """A site's host takes the console's link: a session here for the bureau account, or back to sign-in."""
    done, user = attempt(enter_from_console, request.args.get("ticket", ""))
    if not done:
        return redirect(url_for("auth.login"))
    open_session(user)
    db.session.commit()
    return _set_language_cookie(redirect(home_url()), user.language)


@route(bp, "/admin/logout", permission="account.own", host="any", methods=("POST",))
def logout():
    sign_out(current_user)
    db.session.commit()
    return redirect(url_for("auth.login"))


# --- one's own account -----------------------------------------------------------------------

@route(bp, "/admin/password", permission="account.own", host="any", methods=("GET", "POST"))
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_own_password(current_user, current=form.current.data, new=form.new.data)
        except AccountError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("Your password has been changed.")), "success")
            return redirect(url_for("auth.account"))
    return render_page("auth/password.html", form=form, forced=current_user.must_change_password)


@route(bp, "/admin/account", permission="account.own", host="any", methods=("GET", "POST"))
def account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        try:
            update_account(current_user, display_name=form.display_name.data, language=form.language.data,
                           email=form.email.data or "")
        except AccountError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("Saved.")), "success")
            return _set_language_cookie(redirect(url_for("auth.account")), current_user.language)
    return render_page("auth/account.html", form=form, disable_form=TotpDisableForm())


def _enrolment_secret() -> str:
    """The secret being set up, the same on every page of one enrolment.

    Flask's session is a cookie anyone holding it can read (signed, not
    hidden), so it keeps the secret encrypted with the keys outside the
    database (`core.privacy.crypto`), bound to the account.
    """
    held = session.get("totp_enrolment")
    if isinstance(held, str):
        try:
            user_id, _, secret = decrypt(held).partition(":")
        except PersonalDataKeyError:  # not ours, or its key is gone: start again
            user_id, secret = "", ""
        if secret and user_id == str(current_user.id):
            return secret
    secret = new_totp_secret()
    session["totp_enrolment"] = encrypt(f"{current_user.id}:{secret}")
    return secret


@route(bp, "/admin/account/totp", permission="account.own", host="any", methods=("GET", "POST"))
def enrol_totp():
    if current_user.totp_enabled:
        return redirect(url_for("auth.account"))
    secret = _enrolment_secret()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            enable_totp(current_user, secret, form.code.data)
        except AccountError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            session.pop("totp_enrolment", None)
            db.session.commit()
            flash(str(_l("Two-step login is on.")), "success")
            return redirect(home_url())
    issuer = localized(g.site) if g.get("site") else "govsites"
    uri = totp_uri(current_user, secret, issuer)
    qr = Markup(segno.make(uri, micro=False).svg_inline(scale=4, title=str(_l("QR code for your authenticator app"))))
    response = make_response(render_page("auth/totp.html", form=form, secret=secret, qr=qr,
                                         required=needs_totp_enrolment(current_user)))
    response.headers["Cache-Control"] = "no-store"  # the secret in it: kept by no cache
    return response


@route(bp, "/admin/account/totp/disable", permission="account.own", host="any", methods=("POST",))
def disable_totp():
    form = TotpDisableForm()
    if not form.validate_on_submit():
        flash(str(_l("The password or the code is not right.")), "error")
        return redirect(url_for("auth.account"))
    try:
        disable_own_totp(current_user, password=form.password.data, code=form.code.data)
    except AccountError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(str(_l("Two-step login is off.")), "success")
    return redirect(url_for("auth.account"))


# --- a site's people and their roles ---------------------------------------------------------

@route(bp, "/admin/users", permission="site.view")
def users():
    return render_page("auth/users.html", members=site_members(), role_label=role_label)


def _shown_once(heading, message: str, back: str, back_label):
    """The answer to the form that made a temporary password, with the password in it.

    Never flashed: a flash message waits in the session cookie, which can be
    read and sent again. Drawn here, it is in this one answer, kept by no cache.
    """
    response = make_response(render_page("auth/password_once.html", heading=heading, message=message, back=back,
                                         back_label=back_label))
    response.headers["Cache-Control"] = "no-store"
    return response


@route(bp, "/admin/users/new", permission="site.users.manage", methods=("GET", "POST"))
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        password = generate_password()
        try:
            user = create_user(username=form.username.data, display_name=form.display_name.data,
                               password=password, roles=form.roles.data)
        except AccountError as error:
            db.session.rollback()
            show_problems(form, error, {"": "username"})
        else:
            db.session.commit()
            return _shown_once(_l("New account"), str(_l("Account %(name)s created. Its temporary password, shown "
                                                       "only now: %(password)s", name=user.username,
                                                       password=password)),
                              url_for("auth.user", user_id=user.id), _l("Go to the account's page"))
    return render_page("auth/user_new.html", form=form)


@route(bp, "/admin/users/<int:user_id>", permission="site.view", write="site.users.manage", methods=("GET", "POST"))
def user(user_id: int):
    """One person's roles on this site. A user without a role here is not found."""
    person = member_of_site(user_id)
    if person is None:
        abort(404)
    form = RolesForm()
    if form.validate_on_submit():
        try:
            set_site_roles(person, form.roles.data, actor=current_user)
        except AccountError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("Roles saved.")), "success")
            return redirect(url_for("auth.user", user_id=person.id))
    elif not form.is_submitted():
        form.roles.data = sorted(site_roles(person))
    return render_page("auth/user.html", person=person, form=form, action_form=ActionForm(formdata=None), now=now())


def _account_button(person: User, change, done_message) -> None:
    """A button on one account (site admin or console): check its form (400), change, commit, say so.

    A refusal (`AccountError`) is rolled back and flashed by `attempt`.
    """
    submitted(ActionForm())
    done, result = attempt(change, person)
    if done:
        db.session.commit()
        flash(done_message(person, result), "success")


def _new_password_message(person: User, password: str) -> str:
    return str(_l("New temporary password for %(name)s, shown only now: %(password)s. It must be changed at the "
                  "next sign-in; every login of the account has ended.", name=person.username, password=password))


def _can_sign_in_again(person: User, _result) -> str:
    return str(_l("%(name)s can sign in again.", name=person.username))


def _staff_member(user_id: int) -> User:
    person = member_of_site(user_id)
    if person is None:
        abort(404)
    return person


def _reset_button(person: User, reset, back: str, back_label):
    """A reset button: check its form (400), reset, commit, show the new password in the answer (`_shown_once`)."""
    submitted(ActionForm())
    done, password = attempt(reset, person)
    if not done:  # the refusal is flashed
        return redirect(back)
    db.session.commit()
    return _shown_once(_l("New temporary password"), _new_password_message(person, password), back, back_label)


@route(bp, "/admin/users/<int:user_id>/reset-password", permission="site.users.manage", methods=("POST",))
def reset_staff(user_id: int):
    person = _staff_member(user_id)
    back = url_for("auth.user", user_id=person.id)
    return _reset_button(person, lambda p: reset_staff_password(p, actor=current_user), back,
                         _l("Back to the person's page"))


@route(bp, "/admin/users/<int:user_id>/unlock", permission="site.users.manage", methods=("POST",))
def unlock_staff_member(user_id: int):
    person = _staff_member(user_id)
    _account_button(person, unlock_staff, _can_sign_in_again)
    return redirect(url_for("auth.user", user_id=person.id))


# --- every account of the city (the console) -------------------------------------------------

@route(bp, "/platform/users", permission="platform.view", host="platform")
def platform_users():
    q = request.args.get("q", "").strip()
    pagination = db.paginate(find_users(q), page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_page("auth/platform_users.html", q=q, pagination=pagination,
                       roles=roles_by_user([u.id for u in pagination.items]), action_form=ActionForm(formdata=None),
                       now=now())


def _back_to_users():
    return redirect(url_for("auth.platform_users", q=request.args.get("q") or None))


@route(bp, "/platform/users/<int:user_id>/reset-password", permission="platform.manage", host="platform",
       methods=("POST",))
def platform_reset_password(user_id: int):
    return _reset_button(get_or_404(User, user_id), lambda p: reset_password(p, actor=current_user, by="console"),
                         url_for("auth.platform_users", q=request.args.get("q") or None), _l("Back to the accounts"))


@route(bp, "/platform/users/<int:user_id>/lock", permission="platform.manage", host="platform", methods=("POST",))
def platform_lock(user_id: int):
    _account_button(get_or_404(User, user_id), lambda p: lock_user(p, actor=current_user),
                    lambda p, _: str(_l("%(name)s is locked and signed out everywhere.", name=p.username)))
    return _back_to_users()


@route(bp, "/platform/users/<int:user_id>/unlock", permission="platform.manage", host="platform", methods=("POST",))
def platform_unlock(user_id: int):
    _account_button(get_or_404(User, user_id), unlock_user, _can_sign_in_again)
    return _back_to_users()


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "auth.users", _l("People and roles"), "site.view", order=30)
    add_menu_item(app, "platform", "auth.platform_users", _l("Users"), "platform.view", order=40)
    add_panel(app, "site", "auth/_home_panel.html", my_roles_panel, "admin.enter", order=20)
    app.jinja_env.globals.update(can=lambda p: can(current_user, p), role_name=role_label)
