"""The audit log's words for accounts, roles and signing in: what each action code this module records says."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("login", _l("Signing in and out"), ("login.", "logout"))
    describe_group("accounts", _l("Accounts and roles"), ("user.", "role.", "password.", "account.", "totp."))
    describe_actions({
        "login.success": _l("Signed in"),
        "login.second_factor": _l("Passed two-step login"),
        "login.failure": _l("Sign-in failed"),
        "login.refused": _l("Sign-in refused"),
        "login.lockout": _l("Account locked for a while after failed sign-ins"),
        "logout": _l("Signed out"),
        "password.change": _l("Changed their own password"),
        "password.reset": _l("Gave an account a new temporary password"),
        "user.create": _l("Created an account"),
        "user.lock": _l("Locked an account"),
        "user.unlock": _l("Unlocked an account"),
        "role.grant": _l("Granted a role"),
        "role.revoke": _l("Took a role away"),
        "account.update": _l("Changed their own name, e-mail address or language"),
        "totp.enable": _l("Turned two-step login on"),
        "totp.disable": _l("Turned two-step login off"),
        "login.handoff": _l("Came in from the information bureau's console"),
        "site.enter": _l("Entered a site's admin from the console"),
    }, {
        "login": _l("Signing in"),
        "logout": _l("Signing in"),
        "password": _l("Accounts"),
        "user": _l("Accounts"),
        "role": _l("Accounts"),
        "account": _l("Accounts"),
        "totp": _l("Accounts"),
    })
    describe_values("login.", "reason", {
        "unknown user": _l("no account has this user name"),
        "no such account here": _l("no account of that name signs in here"),
        "account locked": _l("the account is locked"),
        "no role on this site": _l("the account has no role on this site"),
        "wrong password": _l("wrong password"),
        "wrong second-factor code": _l("wrong two-step login code"),
    })
    describe_values("password.", "by", {"console": _l("the information bureau's console"),
                                        "cli": _l("the command line"),
                                        "site": _l("the site's administrator")})
    describe_details({"email": _l("E-mail address")})
    describe_values("account.", "email", {"changed": _l("changed")})
