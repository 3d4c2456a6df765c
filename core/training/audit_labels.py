"""The audit log's words for training material: the bureau's changes, the examples, a person's acknowledgement."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_group, describe_values
from core.auth.forms import ROLE_LABELS


def register() -> None:
    """Name the training module's actions, details and values (called from its `init_app`)."""
    describe_group("training", _l("Training material"), ("training.",))
    describe_actions({
        "training.create": _l("Saved new training material as a draft"),
        "training.update": _l("Changed training material"),
        "training.file_remove": _l("Took a file off training material"),
        "training.publish": _l("Published training material"),
        "training.withdraw": _l("Withdrew training material"),
        "training.acknowledge": _l("Confirmed reading training material"),
        "training.acknowledge_again": _l("Pressed “I have read it” twice at once (recorded once)"),
        "training.example_add": _l("Marked a good-practice example"),
        "training.example_remove": _l("Removed a good-practice example"),
    }, {"training": _l("Training material")})
    describe_details({
        "read_by": lazy_pgettext("audit detail", "To be read by"),
        "for_roles": lazy_pgettext("audit detail", "For the roles"),
        "for_sites": lazy_pgettext("audit detail", "For the sites"),
    })
    describe_values("training.", "for_roles", {**ROLE_LABELS, "all": _l("every role")})
    describe_values("training.", "for_sites", {"all": _l("every site")})
    describe_values("training.update", "changed", {
        "title": _l("title"), "description": _l("description"), "due_on": _l("due date"), "roles": _l("roles"),
        "sites": _l("sites")})
