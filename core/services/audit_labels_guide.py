"""The audit log's words for the guides and the catalogue (the "service." codes of guides.py and catalogue.py)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core.audit.describe import describe_actions, describe_details, describe_targets, describe_values
from core.services.guide import FIELD_LABELS


def _target(target: str):
    """"service_item:12" as "Service item 12", "catalogue_request:3" as "Catalogue request 3"; a file's name as is."""
    found = re.fullmatch(r"(service_item|catalogue_request):(\d+)", target)
    if found is None:
        return None
    label = _l("Service item %(id)s") if found.group(1) == "service_item" else _l("Catalogue request %(id)s")
    return str(label) % {"id": found.group(2)}


def register() -> None:
    """Name the guides' and the catalogue's actions in the audit log (called from views_guide's `init_app`)."""
    describe_actions({
        "service.guide_edit": _l("Changed a service guide"),
        "service.material_add": _l("Added a material to a service guide"),
        "service.material_update": _l("Changed a material of a service guide"),
        "service.material_delete": _l("Took a material off a service guide"),
        "service.material_move": _l("Moved a material of a service guide"),
        "service.step_add": _l("Added a step to a service guide"),
        "service.step_update": _l("Changed a step of a service guide"),
        "service.step_delete": _l("Took a step out of a service guide"),
        "service.step_move": _l("Moved a step of a service guide"),
        "service.form_add": _l("Added a form to a service guide"),
        "service.form_delete": _l("Took a form off a service guide"),
        "service.field_add": _l("Added a field to an item's online application form"),
        "service.field_update": _l("Changed a field of an item's online application form"),
        "service.field_delete": _l("Took a field off an item's online application form"),
        "service.field_move": _l("Moved a field of an item's online application form"),
        "service.guide_submit": _l("Sent a service guide for review"),
        "service.guide_withdraw": _l("Took a service guide back from review"),
        "service.guide_return": _l("Sent a service guide back to the editors"),
        "service.guide_approve": _l("Approved and published a service guide"),
        "service.import": _l("Imported the committee's list of service items"),
        "service.request_add": _l("Asked the bureau to add a service item"),
        "service.request_remove": _l("Asked the bureau to remove a service item"),
        "service.request_approve": _l("Approved a request to change the service catalogue"),
        "service.request_refuse": _l("Refused a request to change the service catalogue"),
    })
    describe_details({
        "fields": lazy_pgettext("audit detail", "Parts of the guide"),
        "material": lazy_pgettext("audit detail", "Material"),
        "step": lazy_pgettext("audit detail", "Step"),
        "field": lazy_pgettext("audit detail", "Field"),
        "form": lazy_pgettext("audit detail", "Form"),
        "file": lazy_pgettext("audit detail", "File"),
        "code": lazy_pgettext("audit detail", "Item code"),
        "removed": lazy_pgettext("audit detail", "Removed"),
        "complete_list": lazy_pgettext("audit detail", "The whole list of its sites"),
        "request": lazy_pgettext("audit detail", "Request"),
        "site": lazy_pgettext("audit detail", "Site"),
        "answer": lazy_pgettext("audit detail", "Answer"),
    })
    describe_values("service.", "fields", FIELD_LABELS)
    describe_values("service.request", "request", {"add": _l("add an item"), "remove": _l("remove an item")})
    describe_targets("service.", _target)
