"""The audit log as people read it: each action a sentence, each detail "label: value".

Entries are stored with a code (``article.create``) and their details as JSON,
so that the log stays the same whatever the language; this module turns them
into words when a page shows them. `ACTIONS` names every code the platform
records (a test reads the source and fails on a code missing here); a code it
does not know (an old one, a new one not yet named) still shows as words.

Values that are themselves codes (an item's state, a role, a colour) are
named by the module that owns them, from its `init_app`, through
`describe_values` (the log is the lowest feature: it imports none of them).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from flask_babel import gettext, lazy_gettext as _l, lazy_pgettext

from core.audit.models import _Entry
from core.i18n import is_english

#: Every action code recorded anywhere, and what it says: each module adds its own (`describe_actions`).
ACTIONS: dict[str, object] = {}
#: What an action is about, by the first word of its code: for codes `ACTIONS` does not name.
SUBJECTS: dict[str, object] = {}
#: The filter of the audit pages: a kind of action and the codes it covers (by their beginning), in the
#: order the modules declare them (`describe_group`).
GROUPS: dict[str, tuple[object, tuple[str, ...]]] = {}


def describe_actions(actions: Mapping[str, object], subjects: Mapping[str, object] | None = None) -> None:
    """Name a module's action codes, and the subjects (first words of its codes) for codes not named.

    Called from the module's `init_app`, next to the operations that record them:
    ``describe_actions({"duty.assign": _l("Named who answers for a duty")}, {"duty": _l("Duties")})``.
    """
    ACTIONS.update(actions)
    SUBJECTS.update(subjects or {})


def describe_group(key: str, label, prefixes: tuple[str, ...]) -> None:
    """Offer a kind of action in the audit pages' filter: the codes starting with any of `prefixes`."""
    GROUPS[key] = (label, prefixes)


def describe_details(details: Mapping[str, object]) -> None:
    """Name the detail keys a module records that the common ones (`DETAILS`) do not cover."""
    DETAILS.update(details)


#: What each detail's key means.
DETAILS: dict[str, object] = {
    "title": lazy_pgettext("audit detail", "Title"),
    "section": lazy_pgettext("audit detail", "Section"),
    "status": lazy_pgettext("audit detail", "State"),
    "comment": lazy_pgettext("audit detail", "Comment"),
    "from": lazy_pgettext("audit detail", "From"),
    "to": lazy_pgettext("audit detail", "To"),
    "revision": lazy_pgettext("audit detail", "Revision"),
    "reason": lazy_pgettext("audit detail", "Reason"),
    "count": lazy_pgettext("audit detail", "Failures in a row"),
    "until": lazy_pgettext("audit detail", "Locked until"),
    "role": lazy_pgettext("audit detail", "Role"),
    "roles": lazy_pgettext("audit detail", "Roles"),
    "platform_role": lazy_pgettext("audit detail", "Platform role"),
    "by": lazy_pgettext("audit detail", "Done from"),
    "language": lazy_pgettext("audit detail", "Language"),
    "sites": lazy_pgettext("audit detail", "Sites reached"),
    "skipped": lazy_pgettext("audit detail", "Sites left out"),
    "article_id": lazy_pgettext("audit detail", "Item number"),
    "source": lazy_pgettext("audit detail", "Source"),
    "added": lazy_pgettext("audit detail", "Added"),
    "updated": lazy_pgettext("audit detail", "Updated"),
    "released": lazy_pgettext("audit detail", "Left to the sites as their own"),
    "defaults_added": lazy_pgettext("audit detail", "Defaults added"),
    "name": lazy_pgettext("audit detail", "Name"),
    "name_zh": lazy_pgettext("audit detail", "Name (Chinese)"),
    "name_en": lazy_pgettext("audit detail", "Name (English)"),
    "before": lazy_pgettext("audit detail", "Before"),
    "changed": lazy_pgettext("audit detail", "Changes"),
    "position": lazy_pgettext("audit detail", "Place in the order"),
    "direction": lazy_pgettext("audit detail", "Direction"),
    "responsible": lazy_pgettext("audit detail", "Responsible"),
    "deputy": lazy_pgettext("audit detail", "Deputy"),
    "kind": lazy_pgettext("audit detail", "Kind"),
    "homepage_priority": lazy_pgettext("audit detail", "Place on the home page"),
    "in_nav": lazy_pgettext("audit detail", "In the navigation"),
    "domains": lazy_pgettext("audit detail", "Domains"),
    "hostname": lazy_pgettext("audit detail", "Domain"),
    "primary": lazy_pgettext("audit detail", "Primary domain"),
    "window": lazy_pgettext("audit detail", "Window department"),
    "is_window_department": lazy_pgettext("audit detail", "Window department"),
    "group": lazy_pgettext("audit detail", "Group on the city portal"),
    "on": lazy_pgettext("audit detail", "Mourning mode"),
    "sites_changed": lazy_pgettext("audit detail", "Sites changed"),
    "logo": lazy_pgettext("audit detail", "Logo"),
    "logo_filename": lazy_pgettext("audit detail", "Logo"),
    "sponsor_zh": lazy_pgettext("audit detail", "Sponsor (Chinese)"),
    "sponsor_en": lazy_pgettext("audit detail", "Sponsor (English)"),
    "address_zh": lazy_pgettext("audit detail", "Address (Chinese)"),
    "address_en": lazy_pgettext("audit detail", "Address (English)"),
    "phone": lazy_pgettext("audit detail", "Telephone"),
    "icp_record": lazy_pgettext("audit detail", "ICP record"),
    "psb_record": lazy_pgettext("audit detail", "Public security record"),
    "site_code": lazy_pgettext("audit detail", "Site identifier code"),
    "accent": lazy_pgettext("audit detail", "Accent colour"),
    "banner": lazy_pgettext("audit detail", "Banner"),
    "review_own_forbidden": lazy_pgettext("audit detail", "Nobody reviews an item they wrote or edited"),
    "administrator": lazy_pgettext("audit detail", "Site administrator"),
}

_VALUES: dict[tuple[str, str], Mapping] = {}
_TARGETS: dict[str, Callable[[str], object]] = {}


def describe_values(action_prefix: str, keys: tuple[str, ...] | str, labels: Mapping) -> None:
    """Name the values of some details: under actions starting with `action_prefix` ("" for all).

    ``describe_values("article.", ("from", "to"), STATUS_LABELS)``; the longest prefix wins.
    """
    for key in (keys,) if isinstance(keys, str) else keys:
        _VALUES[(action_prefix, key)] = labels


def describe_targets(action_prefix: str, labels: Mapping | Callable[[str], object]) -> None:
    """Name the object of actions starting with `action_prefix` (e.g. a duty's code as its name)."""
    _TARGETS[action_prefix] = labels.get if isinstance(labels, Mapping) else labels


describe_values("", "direction", {"up": _l("up"), "down": _l("down")})
describe_values("", "language", {"zh_CN": "中文", "en": "English"})
describe_values("", "on", {True: _l("on"), False: _l("off")})
describe_values("site.settings", "logo", {None: _l("back to the platform's emblem")})


def _longest(registry: dict, code: str, key: str | None = None):
    best = None
    for entry_key, value in registry.items():
        prefix, wanted = entry_key if key is not None else (entry_key, None)
        if wanted == key and code.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, value)
    return best[1] if best else None


def action_label(code: str) -> str:
    """What an action code says; an unknown one is named by its subject ("Items: another action")."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    subject = SUBJECTS.get(code.split(".", 1)[0])
    if subject is not None:
        return gettext("%(subject)s: another action", subject=subject)
    return gettext("Another action")


def _key_label(key: str) -> str:
    label = DETAILS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(\.\d+)?)?$")


def _value(code: str, key: str, value) -> str:
    labels = _longest(_VALUES, code, key)
    try:
        if labels is not None and value in labels:
            return str(labels[value])
    except TypeError:  # a list or a dict: not a key
        pass
    if value is None:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return (", " if is_english() else "、").join(_value(code, key, item) for item in value) if value else "—"
    if isinstance(value, dict):
        colon, comma = (": ", "; ") if is_english() else ("：", "；")
        return comma.join(f"{label}{colon}{text}" for label, text in _pairs(code, value))
    text = str(value)
    if not text:
        return gettext("(empty)")
    moment = _MOMENT.match(text)
    return f"{moment.group(1)} {moment.group(2)}" if moment else text


#: Details left out when empty (an empty comment says nothing); any other empty value is shown as such.
OMIT_WHEN_EMPTY = frozenset({"comment", "skipped"})


def _pairs(code: str, detail: dict) -> list[tuple[str, str]]:
    return [(_key_label(key), _value(code, key, value)) for key, value in detail.items()
            if not (key in OMIT_WHEN_EMPTY and value in ("", [], None))]


def detail_pairs(entry: _Entry) -> list[tuple[str, str]]:
    """An entry's details as (label, value) in the current language (an empty comment left out).

    A detail that is not JSON (never written so, but kept readable) is one pair under "Details".
    """
    if not entry.detail:
        return []
    try:
        detail = json.loads(entry.detail)
    except ValueError:
        return [(gettext("Details"), entry.detail)]
    if not isinstance(detail, dict):
        return [(gettext("Details"), _value(entry.action, "", detail))]
    return _pairs(entry.action, detail)


_REFERENCE = re.compile(r"^([a-z_]+):(\d+)$")
REFERENCES = {"article": _l("Item %(id)s")}


def target_text(entry: _Entry) -> str:
    """What the entry is about, as people name it: "Item 12", a duty's name, else as recorded."""
    target = entry.target or ""
    named = _longest(_TARGETS, entry.action)
    if named is not None and target:
        label = named(target)
        if label is not None:
            return str(label)
    reference = _REFERENCE.match(target)
    if reference and reference.group(1) in REFERENCES:
        return str(REFERENCES[reference.group(1)]) % {"id": reference.group(2)}
    return target


def address_text(entry: _Entry) -> str:
    """Where it was done from: an IP address, or the command line."""
    return gettext("Command line") if entry.ip == "cli" else entry.ip


def group_prefixes(group: str) -> tuple[str, ...]:
    """The code beginnings of a filter's group; any other text is taken as a beginning itself."""
    return GROUPS[group][1] if group in GROUPS else ((group,) if group else ())
