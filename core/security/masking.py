"""A finding's object as a given reader may see it: an address is a person's, so only platform administrators
read it whole (the failed sign-ins check names the address they came from)."""
from __future__ import annotations

import ipaddress


def mask_address(address: str) -> str:
    """"203.0.113.45" -> "203.0.*.*"; an IPv6 address keeps its first two groups; anything else its first
    characters."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return (address[:3] + "…") if address else ""
    if parsed.version == 4:
        return ".".join(address.split(".")[:2] + ["*", "*"])
    groups = parsed.exploded.split(":")
    return ":".join(groups[:2]) + ":…"


def sees_personal(user) -> bool:
    """Whether `user` reads a finding's personal object whole: a platform administrator does."""
    return user is not None and getattr(user, "platform_role", None) == "platform_admin"


def object_shown(finding, user) -> str:
    """The finding's object name for `user` (None: nobody in particular, as the audit log keeps it)."""
    if finding.personal and not sees_personal(user):
        return mask_address(finding.object_name)
    return finding.object_name
