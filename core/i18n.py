"""Language: Chinese by default, English complete; the visitor switches with a cookie."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from babel import Locale
from flask import Blueprint, Flask, abort, current_app, g, redirect, request
from flask_babel import get_locale, get_translations
from markupsafe import Markup

from core.extensions import babel
from core.web.replay import LANG_COOKIE  # the kept pages' replay keys on it, below this layer
from core.web.routes import route
bp = Blueprint("i18n", __name__)


def select_locale() -> Locale:
    """flask-babel's locale selector: the language cookie's, if it names one of LANGUAGES, else the default.

    Returns a babel `Locale`, one object per identifier (flask-babel takes it as it is; given the identifier,
    it would parse it again on every request)."""
    wanted = request.cookies.get(LANG_COOKIE) if request else None
    if wanted not in current_app.config["LANGUAGES"]:
        wanted = current_app.config["BABEL_DEFAULT_LOCALE"]
    return _parsed_locale(wanted)


@lru_cache(maxsize=64)
def _parsed_locale(identifier: str) -> Locale:
    return Locale.parse(identifier)


def _in_force():
    """(locale, translations, is English, the locale's identifier) in force now, found once per request and locale.

    flask-babel's own `get_locale()` / `get_translations()` walk `g` three to five times and build the locale's
    identifier on every call, and a public page asks for its language about a hundred times (every string,
    localized name and `content_lang`): a tenth of a cold page's time (profile of 2026-12-02). This keeps what
    it found on flask-babel's per-request namespace, for the locale object it found it for: `force_locale` and
    `refresh` put another object there, so they still switch. Outside a request: flask-babel's answers.
    """
    try:
        ctx = g._flask_babel
    except (AttributeError, RuntimeError):  # nothing asked yet this request, or no app context at all
        ctx = None
    if ctx is not None:
        kept = getattr(ctx, "govsites_in_force", None)
        if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
            return kept
    translations = get_translations()  # finds (and flask-babel stores) the locale first
    locale = get_locale()
    english = (locale is not None and locale.language == "en" and locale.territory is None
               and locale.script is None and locale.variant is None and getattr(locale, "modifier", None) is None)
    kept = (locale, translations, english, str(locale) if locale is not None else "")
    try:
        g._flask_babel.govsites_in_force = kept
    except (AttributeError, RuntimeError):
        pass
    return kept


def is_english() -> bool:
    """Whether this request is in English (the locale "en", nothing more: what `str(get_locale()) == "en"` says).

    Asked dozens of times a page (every localized name, every `content_lang`): found once per request.
    """
    return _in_force()[2]


def locale_key() -> str:
    """The identifier of the locale in force ("zh_Hans_CN", "en"): what a kept part of a page is drawn in."""
    return _in_force()[3]


def request_translations():
    """The translations in force (a babel `Translations`), for the templates' `_()`: see `_in_force`."""
    return _in_force()[1]


#: Han characters, CJK punctuation (、。〔〕《》) and fullwidth forms (（），：): text that is Chinese.
_CHINESE = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f"
                      r"\uff00-\uffef\U00020000-\U0002ffff]")


def content_lang(text: object = None) -> Markup:
    """` lang="zh-CN"` for what departments write (titles, bodies) when the page is in English (WCAG 3.1.2).

    Given the `text` itself (a file name, a record number, a value that may
    have no English), only when it holds Chinese: "form.pdf" is not marked Chinese.
    """
    if not is_english() or (text is not None and not _CHINESE.search(str(text))):
        return Markup("")
    return Markup(' lang="zh-CN"')


def localized(obj, field: str = "name") -> str:
    """Pick the `<field>_en` or `<field>_zh` attribute for the current language."""
    english = getattr(obj, f"{field}_en", "") if is_english() else ""
    return english or getattr(obj, f"{field}_zh")


def safe_next(target: str | None) -> str:
    """Keep redirects on this host: only a local path is followed, else "/".

    A path with a control character (CR, LF, NUL, ...) or longer than 2000
    characters cannot go into a Location header: it falls back to "/" too.
    """
    if not target or len(target) > 2000 or any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return "/"
    parts = urlsplit(target)
    # "/\\host" is read as "//host" by browsers: refuse backslashes outright.
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@route(bp, "/lang/<code>", permission=None, host="all")
def switch_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # The templates' `_()` and friends, as flask-babel installs them, but through the per-request lookup.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(localized=localized, is_english=is_english, content_lang=content_lang)
