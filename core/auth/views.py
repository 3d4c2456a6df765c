"""Signing in and out, and a person's own account page."""
from __future__ import annotations

import time

import segno
from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from core.audit.operations import record
from core.auth.forms import AccountForm, CodeForm, LoginForm, PasswordChangeForm, TotpDisableForm
from core.auth.guard import needs_totp_enrolment, route
from core.auth.models import User
from core.auth.operations import (AccountError, LOGIN_FAILED, authenticate, check_totp, new_totp_secret,
                                  register_failure, register_success, set_password, totp_uri)
from core.auth.passwords import verify_password
from core.auth.sessions import close_session, end_other_sessions, open_session
from core.extensions import db, limiter
from core.i18n import LANG_COOKIE, localized, safe_next
from themes import render_page

bp = Blueprint("auth", __name__, url_prefix="/admin")
PENDING_SECONDS = 300


def home_url() -> str:
    return url_for("platform.home") if g.get("host_kind") == "platform" else url_for("admin.home")


def _finish_login(user: User, next_url: str | None):
    register_success(user)
    open_session(user)
    db.session.commit()
    target = safe_next(next_url) if next_url else home_url()
    if user.must_change_password:
        target = url_for("auth.change_password")
    elif needs_totp_enrolment(user):
        target = url_for("auth.enrol_totp")
    response = redirect(target)
    response.set_cookie(LANG_COOKIE, user.language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@route(bp, "/login", permission=None, host="any", methods=("GET", "POST"))
@limiter.limit(_login_limit, methods=["POST"], key_func=lambda: f"{request.remote_addr}|{request.host}")
def login():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except AccountError as error:
            db.session.commit()  # the failure, the count and the lockout are kept
            form.password.errors.append(str(error))
        else:
            if user.totp_enabled:
                session.clear()
                session["pending_login"] = {"user_id": user.id, "at": time.time(), "next": request.args.get("next")}
                db.session.commit()
                return redirect(url_for("auth.verify"))
            return _finish_login(user, request.args.get("next"))
    return render_page("auth/login.html", form=form)


@route(bp, "/login/verify", permission=None, host="any", methods=("GET", "POST"))
def verify():
    pending = session.get("pending_login")
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        session.pop("pending_login", None)
        return redirect(url_for("auth.login"))
    user = db.session.get(User, pending["user_id"])
    if user is None:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if check_totp(user, form.code.data):
            return _finish_login(user, pending.get("next"))
        register_failure(user, "wrong second-factor code")
        db.session.commit()
        if user.locked_until:
            session.pop("pending_login", None)
            flash(str(LOGIN_FAILED), "error")
            return redirect(url_for("auth.login"))
        form.code.errors.append(str(_l("The code is not right. Codes change every 30 seconds.")))
    return render_page("auth/verify.html", form=form)


@route(bp, "/logout", permission="account.own", host="any", methods=("POST",))
def logout():
    record("logout", current_user.username)
    close_session(current_user)
    db.session.commit()
    return redirect(url_for("auth.login"))


@route(bp, "/password", permission="account.own", host="any", methods=("GET", "POST"))
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append(str(_l("The current password is not right.")))
        else:
            try:
                set_password(current_user, form.new.data)
            except AccountError as error:
                db.session.rollback()
                form.new.errors.append(str(error))
            else:
                end_other_sessions(current_user)
                record("password.change", current_user.username)
                db.session.commit()
                flash(str(_l("Your password has been changed.")), "success")
                return redirect(url_for("auth.account"))
    return render_page("auth/password.html", form=form, forced=current_user.must_change_password)


@route(bp, "/account", permission="account.own", host="any", methods=("GET", "POST"))
def account():
    form = AccountForm(obj=current_user)
    response = None
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.language = form.language.data
        record("account.update", current_user.username, language=current_user.language)
        db.session.commit()
        flash(str(_l("Saved.")), "success")
        response = redirect(url_for("auth.account"))
        response.set_cookie(LANG_COOKIE, current_user.language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
    return render_page("auth/account.html", form=form, disable_form=TotpDisableForm())


@route(bp, "/account/totp", permission="account.own", host="any", methods=("GET", "POST"))
def enrol_totp():
    if current_user.totp_enabled:
        return redirect(url_for("auth.account"))
    secret = session.get("totp_enrolment") or new_totp_secret()
    session["totp_enrolment"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        current_user.totp_secret = secret
        if check_totp(current_user, form.code.data):
            current_user.totp_enabled = True
            session.pop("totp_enrolment", None)
            record("totp.enable", current_user.username)
            db.session.commit()
            flash(str(_l("Two-step login is on.")), "success")
            return redirect(home_url())
        db.session.rollback()
        form.code.errors.append(str(_l("The code is not right. Codes change every 30 seconds.")))
    issuer = localized(g.site) if g.get("site") else "govsites"
    uri = totp_uri(current_user, secret, issuer)
    qr = Markup(segno.make(uri, micro=False).svg_inline(scale=4, title=str(_l("QR code for your authenticator app"))))
    return render_page("auth/totp.html", form=form, secret=secret, qr=qr,
                       required=needs_totp_enrolment(current_user))


@route(bp, "/account/totp/disable", permission="account.own", host="any", methods=("POST",))
def disable_totp():
    form = TotpDisableForm()
    if current_user.platform_role == "platform_admin":
        flash(str(_l("Platform administrators must keep two-step login on.")), "error")
    elif form.validate_on_submit() and verify_password(current_user.password_hash, form.password.data) \
            and check_totp(current_user, form.code.data):
        current_user.totp_enabled = False
        current_user.totp_secret = None
        record("totp.disable", current_user.username)
        db.session.commit()
        flash(str(_l("Two-step login is off.")), "success")
    else:
        flash(str(_l("The password or the code is not right.")), "error")
    return redirect(url_for("auth.account"))


def init_app(app) -> None:
    app.register_blueprint(bp)
