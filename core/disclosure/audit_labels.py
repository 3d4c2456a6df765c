"""The audit log's words for the disclosure module: what each action code it records says, and its details."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values
from core.disclosure.labels import INTERPRETATION_KIND_LABELS


def register() -> None:
    """Name this module's actions in the audit log (called from its `init_app`)."""
    describe_group("categories", _l("Disclosure categories and subjects"), ("category.", "subject."))
    describe_group("disclosure", _l("Disclosure column and policy interpretation"), ("column.", "interpretation."))
    describe_actions({
        "category.defaults": _l("Restored the default disclosure categories"),
        "category.add": _l("Added a disclosure category"),
        "category.update": _l("Changed a disclosure category"),
        "category.delete": _l("Deleted a disclosure category"),
        "category.move": _l("Moved a disclosure category"),
        "subject.defaults": _l("Restored the default disclosure subjects"),
        "subject.add": _l("Added a disclosure subject"),
        "subject.update": _l("Changed a disclosure subject"),
        "subject.delete": _l("Deleted a disclosure subject"),
        "subject.move": _l("Moved a disclosure subject"),
        "column.page": _l("Wrote a page of the disclosure column"),
        "column.parts": _l("Gave the disclosure column its missing parts"),
        "interpretation.link": _l("Linked an interpretation to its policy"),
        "interpretation.unlink": _l("Removed the link between an interpretation and its policy"),
    }, {"category": _l("Disclosure categories"), "subject": _l("Disclosure subjects"),
        "column": _l("Disclosure column"), "interpretation": _l("Policy interpretation")})
    describe_details({
        "policy": _l("Policy"),
        "policy_title": _l("Policy title"),
        "length": _l("Length (characters)"),
        "sections": _l("Sections"),
    })
    describe_values("interpretation.", "kind", INTERPRETATION_KIND_LABELS)
