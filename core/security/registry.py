"""The registry of security checks: each one a small, named, documented function that yields what it finds.

Declaring a check
-----------------
Any module may add one, from a file its `init_app` imports (the backups
module adds "the newest backup is too old" this way)::

    from core.security.registry import Found, check

    @check(key="backups.too_old", scope="platform", severity="high",
           title=_l("Backups older than two days"),
           fix=_l("Find out why the nightly backup did not run (the console's job runs page) and take one now."),
           details=_l("The newest backup was taken %(hours)s hours ago."),
           link="/platform/jobs")
    def backups_too_old(ctx):
        "A deployment whose newest complete backup is more than two days old."
        age = backup_age(ctx.now)
        if age is not None and age > timedelta(days=2):
            yield Found("backup:newest", _l("The newest backup"), values={"hours": int(age.total_seconds() // 3600)})

- ``key``: lower-case dotted words, ``<area>.<what>``; unique; kept on every finding (rename it and
  its findings are resolved and found again under the new key).
- ``scope``: "site" (called once per site, that site active: every query sees its rows only) or
  "platform" (called once per run, no site active).
- ``severity``: "high", "medium" or "low"; a finding may say otherwise (`Found.severity`).
- ``title``, ``fix``: lazy strings: what the rule is, and how to put a finding right.
- ``details``: a lazy string worded with each finding's `values` (``%(name)s``), or a dict of them, one of
  which each finding names (`Found.says`). Stored as the values, worded in the reader's language.
- ``link``: where a finding is fixed when it names no page of its own: a path on the site's admin
  (site checks) or on the console (platform checks).
- ``words``: for a value that is a code ("display:none", "server script"), its words in each language:
  ``{"how": {"empty": _l("no visible text"), …}}``. The finding stores the code; it is worded when shown,
  so a reader never sees a code of another language (a code without words is shown as it is).

The function takes a `CheckContext` (``ctx.now``, ``ctx.site``, ``ctx.once`` for work several checks
share) and yields `Found` objects; it reads and never writes. A run (core.security.operations.run_checks)
keeps what it yields as findings, tracked from run to run; a check that raises is left out of that run
(its findings stay as they were) and the platform's administrators are told.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from core.i18n import is_english

SEVERITIES = ("high", "medium", "low")
SCOPES = ("site", "platform")
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


@dataclass(frozen=True)
class Check:
    key: str
    scope: str
    severity: str
    title: Any
    fix: Any
    details: dict[str, Any]
    link: str
    fn: Callable[["CheckContext"], Iterable["Found"]]
    #: value name -> {code: lazy words}: the coded values a sentence is worded with (see the module's docstring).
    words: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def doc(self) -> str:
        return (self.fn.__doc__ or "").strip()


@dataclass
class Found:
    """One thing a check found: the object (a stable key and a readable name) and what is wrong with it."""

    object_key: str
    object_name: Any
    #: The figures the check's sentence is worded with (numbers, dates, names as they are stored).
    values: dict[str, Any] = field(default_factory=dict)
    #: Which of the check's sentences (`details` keys) says it; "" for the check's only one.
    says: str = ""
    #: The text around each hit (a forbidden word, a wrong expression), as a reader sees it.
    excerpts: list[str] = field(default_factory=list)
    #: Where to fix it (a path on the site's admin, or on the console); "" for the check's own link.
    link: str = ""
    #: When the object is worse or milder than the rule usually is.
    severity: str | None = None
    #: The object names a person (an address): only platform administrators see it whole.
    personal: bool = False


@dataclass
class CheckContext:
    """What a check is given: the run's moment, the site being checked (None for platform checks), a memo."""

    now: datetime
    site: Any = None
    memo: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` the first time a run asks for `key` on this site, its result after (shared work)."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


#: key -> Check, filled as the modules that declare checks are imported.
CHECKS: dict[str, Check] = {}


def check(*, key: str, scope: str, severity: str, title: Any, fix: Any, details: Any, link: str = "",
          words: dict[str, dict[str, Any]] | None = None):
    """Register the decorated generator function as a security check (see the module's docstring).

    :raises ValueError: on a malformed key, an unknown scope or severity, or a key taken by another function.
    """
    if not _KEY.match(key) or len(key) > 80:
        raise ValueError(f"a check's key is dotted lower-case words, at most 80 characters: {key!r}")
    if scope not in SCOPES:
        raise ValueError(f"a check's scope is one of {SCOPES}")
    if severity not in SEVERITIES:
        raise ValueError(f"a check's severity is one of {SEVERITIES}")
    sentences = details if isinstance(details, dict) else {"": details}

    def decorator(fn):
        previous = CHECKS.get(key)
        if previous is not None and previous.fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"the check {key} is declared twice")
        CHECKS[key] = Check(key, scope, severity, title, fix, sentences, link, fn, dict(words or {}))
        return fn

    return decorator


def checks_of(scope: str) -> list[Check]:
    """The checks of one scope, in the order they were declared."""
    return [c for c in CHECKS.values() if c.scope == scope]


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def stored_details(found: Found) -> str:
    """A finding's details as its row keeps them (JSON data, worded again whenever shown)."""
    return json.dumps({"says": found.says, "values": {k: _plain(v) for k, v in found.values.items()},
                       "excerpts": [str(e) for e in found.excerpts]}, ensure_ascii=False, sort_keys=True)


def read_details(text: str) -> dict:
    """The stored details as data: {"says", "values", "excerpts"} (empty ones for an unreadable row)."""
    try:
        data = json.loads(text or "{}")
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {"says": str(data.get("says") or ""), "values": data.get("values") if isinstance(data.get("values"), dict)
            else {}, "excerpts": [str(e) for e in data.get("excerpts") or [] if e]}


def describe(rule: str, details: str) -> str:
    """A finding's details in the reader's language: its check's sentence worded with the stored figures.

    A finding whose check is gone (its module removed) reads as its figures, "name: value" pairs.
    """
    data = read_details(details)
    found = CHECKS.get(rule)
    sentence = found.details.get(data["says"]) if found is not None else None
    coded = found.words if found is not None else {}

    def worded(key: str, value: Any) -> Any:
        known = coded.get(key, {})
        if isinstance(value, list):
            if not known:
                return ", ".join(map(str, value))
            return _list_separator().join(str(known.get(v, v)) if isinstance(v, str) else str(v) for v in value)
        return str(known[value]) if isinstance(value, str) and value in known else value

    values = {k: worded(k, v) for k, v in data["values"].items()}
    if sentence is not None:
        try:
            return str(sentence) % values if values else str(sentence)
        except (KeyError, TypeError, ValueError):
            pass
    return "; ".join(f"{k}: {v}" for k, v in values.items())


def _list_separator() -> str:
    """", " in English, "、" in Chinese: how a sentence lists several worded things."""
    try:
        return ", " if is_english() else "、"
    except RuntimeError:  # outside a request or an app context: no language chosen
        return ", "


def excerpts(details: str) -> list[str]:
    return read_details(details)["excerpts"]


def run_check(item: Check, ctx: CheckContext) -> Iterator[Found]:
    """The check's findings, each checked for what a row can hold (a programming error otherwise)."""
    for found in item.fn(ctx) or ():
        if not isinstance(found, Found):
            raise TypeError(f"the check {item.key} yielded {type(found).__name__}, not Found")
        if found.severity is not None and found.severity not in SEVERITIES:
            raise ValueError(f"the check {item.key} yielded an unknown severity {found.severity!r}")
        if found.says not in item.details:
            raise ValueError(f"the check {item.key} has no sentence {found.says!r}")
        yield found
