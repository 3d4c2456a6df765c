"""A service guide (办事指南): what it must carry, what it lacks, and the published snapshot the public reads.

The department edits a working copy (the item's columns and its materials,
steps and forms); a reviewer's approval freezes it into `published_guide`, a
JSON snapshot, so a guide being corrected never changes on the public site
until the correction is approved. The item's code, name and kind are the
committee's (the catalogue): they are not part of what a department edits,
and the public reads them from the item itself.

Completeness is the national inspection's: a guide lacking any of the ten
key elements (`GUIDE_ELEMENTS`) fails it, so it cannot be published.
"""
from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext

from core.services.models import GUIDE_ELEMENTS, ServiceItem

#: The ten key elements, as the national inspection index names them.
ELEMENT_LABELS = {
    "name": lazy_pgettext("guide element", "Item name"),
    "legal_basis": lazy_pgettext("guide element", "Legal basis"),
    "conditions": lazy_pgettext("guide element", "Conditions"),
    "materials": lazy_pgettext("guide element", "Materials to bring"),
    "location": lazy_pgettext("guide element", "Where to apply"),
    "office": lazy_pgettext("guide element", "Responsible office"),
    "fee_standard": lazy_pgettext("guide element", "Fees"),
    "hours": lazy_pgettext("guide element", "Office hours"),
    "phone": lazy_pgettext("guide element", "Enquiry phone"),
    "procedure": lazy_pgettext("guide element", "Procedure"),
}
#: Every part of a guide a department edits, named as the guide shows it (the audit log and the review use these).
FIELD_LABELS = {
    **ELEMENT_LABELS,
    "theme": lazy_pgettext("guide element", "Theme"),
    "fee_basis": lazy_pgettext("guide element", "Basis of the fees"),
    "statutory_days": lazy_pgettext("guide element", "Time limit set by law"),
    "promised_days": lazy_pgettext("guide element", "Time limit promised"),
    "online_level": lazy_pgettext("guide element", "How far it can be done online"),
    "forms": lazy_pgettext("guide element", "Forms"),
    "application_fields": lazy_pgettext("guide element", "Online application form"),
}
KIND_LABELS = {
    "licensing": lazy_pgettext("service item kind", "Administrative licensing"),
    "public_service": lazy_pgettext("service item kind", "Public service"),
}
ONLINE_LABELS = {
    "online": lazy_pgettext("online level", "Fully online"),
    "download": lazy_pgettext("online level", "Forms to download"),
    "in_person": lazy_pgettext("online level", "In person"),
}
#: What each level means for the applicant, as the item page says it.
ONLINE_EXPLAINED = {
    "online": _l("The whole application can be made online: fill in the form and upload the materials; "
                 "no visit is needed to apply."),
    "download": _l("The forms can be downloaded with the guide; bring them, filled in, with the materials to the "
                   "office."),
    "in_person": _l("Apply in person at the office, with the materials the guide lists."),
}
MATERIAL_FORM_LABELS = {
    "original": lazy_pgettext("material form", "Original"),
    "copy": lazy_pgettext("material form", "Copy"),
    "both": lazy_pgettext("material form", "Original and copy"),
}
CATALOGUE_LABELS = {
    "active": lazy_pgettext("catalogue state", "In the catalogue"),
    "removal_requested": lazy_pgettext("catalogue state", "Removal requested"),
    "removed": lazy_pgettext("catalogue state", "Removed from the catalogue"),
}
#: The text columns of a guide a department edits (the committee's code, name and kind are not among them).
TEXT_FIELDS = ("theme", "legal_basis", "conditions", "location", "office", "fee_basis", "fee_standard", "hours",
               "phone")
#: What the public page shows for a guide: every edited column, the time limits, how far online.
GUIDE_FIELDS = (*TEXT_FIELDS, "statutory_days", "promised_days", "online_level")
#: Visible on the public site: in the catalogue, or asked to be removed and not removed yet.
LISTED_STATES = ("active", "removal_requested")


def _blank(value) -> bool:
    return not (value or "").strip()


def missing_elements(item: ServiceItem) -> list[str]:
    """The key elements (GUIDE_ELEMENTS, in their order) the item's working copy lacks; [] when complete.

    A text element made of spaces is missing; materials and procedure need at
    least one line each.
    """
    missing = []
    for element in GUIDE_ELEMENTS:
        if element == "materials":
            lacking = not item.materials
        elif element == "procedure":
            lacking = not item.steps
        else:
            lacking = _blank(getattr(item, element))
        if lacking:
            missing.append(element)
    return missing


def publication_problems(item: ServiceItem) -> dict[str, str]:
    """Why the working copy cannot be published yet, per part of the guide; {} when it can.

    The ten elements, then the promised time limit: the public is told it and
    every application is timed against it.
    """
    problems = {element: str(_l("Missing: %(element)s.", element=ELEMENT_LABELS[element]))
                for element in missing_elements(item)}
    if item.promised_days is None:
        problems["promised_days"] = str(_l("Give the time limit promised, in working days (0 when it is done on "
                                           "the spot)."))
    return problems


def working_fields(item: ServiceItem) -> list:
    """The working copy's application form as stored (a list of field definitions); [] when unreadable."""
    try:
        fields = json.loads(item.application_fields or "[]")
    except ValueError:
        return []
    return fields if isinstance(fields, list) else []


def snapshot(item: ServiceItem) -> dict:
    """The working copy as the public will read it once approved (JSON-ready).

    Forms keep their stored file names, so a form removed from the working
    copy stays downloadable from the published guide until the next approval.
    """
    data = {"code": item.code, "name": item.name, "kind": item.kind}
    data.update({field: getattr(item, field) for field in GUIDE_FIELDS})
    data["materials"] = [{"name": m.name, "form": m.form, "count": m.count, "required": m.required,
                          "note": m.note, "blank_form_id": m.blank_form_id} for m in item.materials]
    data["steps"] = [{"title": s.title, "description": s.description} for s in item.steps]
    data["forms"] = [{"id": f.id, "title": f.title, "filename": f.filename, "stored_name": f.stored_name,
                      "content_type": f.content_type, "size": f.size} for f in item.forms]
    data["application_fields"] = working_fields(item)
    return data


def published(item: ServiceItem) -> dict | None:
    """The guide as last approved, or None when it never was (or its snapshot cannot be read)."""
    if not item.published_guide:
        return None
    try:
        data = json.loads(item.published_guide)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def unpublished_changes(item: ServiceItem) -> list[str]:
    """The parts of the guide (FIELD_LABELS keys) whose working copy differs from the published guide.

    Everything, for a guide never published. The committee's code, name and
    kind are not compared: they are shown from the catalogue as they are.
    """
    current, live = snapshot(item), published(item) or {}
    changed = [field for field in GUIDE_FIELDS if current.get(field) != live.get(field)]
    for part in ("materials", "steps", "forms"):
        if current[part] != live.get(part):
            changed.append("procedure" if part == "steps" else part)
    if live and current["application_fields"] != live.get("application_fields", current["application_fields"]):
        changed.append("application_fields")
    elif not live and current["application_fields"]:
        changed.append("application_fields")
    return changed


def is_public(item: ServiceItem) -> bool:
    """Whether the public sees the item: published once, and still in the catalogue."""
    return item.published_guide is not None and item.catalogue_status in LISTED_STATES


def days_text(days: int | None) -> str:
    """A time limit as the guide prints it: "20 working days", "on the spot", or "not set"."""
    if days is None:
        return str(_l("Not set"))
    if days == 0:
        return str(_l("Done on the spot"))
    return ngettext("%(num)d working day", "%(num)d working days", days)
