"""Keeping a service guide: the department edits the working copy, a reviewer publishes it. Audited, flushed.

An editor (content.edit) changes the guide's text, its materials, its steps
and its forms, then sends it for review; a reviewer (content.review) sends it
back with what to change, or approves it, which publishes the snapshot the
public reads (`core.services.guide.snapshot`). Approval is refused while any
key element is missing. While the guide waits for review nobody edits it (the
editor may take it back). The code, name and kind of an item are the
committee's: only the catalogue (`core.services.catalogue`) changes them.
"""
from __future__ import annotations

import hashlib
import json

from flask_babel import lazy_gettext as _l

from core.audit.log import record
from core.auth.models import User
from core.auth.permissions import can
from core.content.files import ContentError, Upload, check_upload, write_upload
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.publishing.queries import review_own_forbidden
from core.services.guide import ELEMENT_LABELS, FIELD_LABELS, GUIDE_FIELDS, TEXT_FIELDS, publication_problems, \
    snapshot, unpublished_changes
from core.services.models import MATERIAL_FORMS, ONLINE_LEVELS, ServiceForm, ServiceItem, ServiceMaterial, \
    ServiceStep
from core.text import column_problems, text_problem
from core.timeutil import now

#: The guide's text that may run over several lines (the rest are one line each).
MULTILINE = ("legal_basis", "conditions", "fee_basis", "fee_standard")
#: The longest a block of a guide's text may be, in characters (a legal basis with every article quoted fits).
MAX_TEXT = 5000
#: The longest description of one step of the procedure, in characters.
MAX_STEP_TEXT = 2000
#: The longest time limit a guide may give, in working days (about five years).
MAX_DAYS = 1250
#: The most copies of one material a guide may ask for.
MAX_COUNT = 99
#: Blank forms are documents: the types a department may offer for download (within the site's allow-list).
FORM_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "wps", "et", "ofd", "zip")


class GuideError(OperationError):
    """A change to a guide refused, with the reason (per field where it has one)."""


class GuideForbidden(GuideError, OperationForbidden):
    """The actor's roles here do not allow the step."""


class StaleGuide(GuideError):
    """Someone saved the guide's text after this form was opened."""


def _target(item: ServiceItem) -> str:
    return f"service_item:{item.id}"


@read_only
def text_version(item: ServiceItem) -> str:
    """A fingerprint of the guide's text and limits: the edit form carries it, to notice a save made meanwhile."""
    values = json.dumps([getattr(item, field) for field in GUIDE_FIELDS], ensure_ascii=False)
    return hashlib.sha256(values.encode("utf-8")).hexdigest()[:16]


@read_only
def edit_refusal(item: ServiceItem, actor: User | None) -> str | None:
    """Why `actor` cannot change the guide now, in words; None when they can."""
    if actor is None or not can(actor, "content.edit"):
        return str(_l("Your roles here do not include editing service guides."))
    if item.catalogue_status == "removed":
        return str(_l("The item has been removed from the catalogue: its guide is no longer kept."))
    if item.guide_status == "reviewing":
        return str(_l("The guide is waiting for review: it can be changed again once the reviewer sends it back, "
                      "or after you take it back from review."))
    return None


def _check_editable(item: ServiceItem, actor: User) -> None:
    if actor is None or not can(actor, "content.edit"):
        raise GuideForbidden(_l("Your roles here do not include editing service guides."))
    refusal = edit_refusal(item, actor)
    if refusal:
        raise GuideError(refusal)


def _days(value, field: str, problems: dict) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        problems[field] = str(_l("A whole number of working days from 0 to %(max)s.", max=MAX_DAYS))
        return None
    return value


@audited
def update_guide(item: ServiceItem, *, actor: User, fields: dict, version: str | None = None) -> list[str]:
    """Change the guide's text, time limits and online level; return the parts changed ([] when none).

    :raises GuideForbidden: without content.edit.
    :raises StaleGuide: when the text changed since `version` (`text_version`) was read.
    :raises GuideError: per field: text a column cannot hold, an unknown online level, a time limit that is
        not a whole number of working days, or a promised limit longer than the law's.
    """
    _check_editable(item, actor)
    if version is not None and version != text_version(item):
        raise StaleGuide(_l("Someone saved this guide after you opened it. Their text is shown now; make your "
                            "changes again."))
    values = {field: (fields.get(field) or "").strip() for field in TEXT_FIELDS}
    problems = column_problems(ServiceItem, values, multiline=MULTILINE)
    for field in MULTILINE:
        if field not in problems and len(values[field]) > MAX_TEXT:
            problems[field] = text_problem(values[field], multiline=True, max_length=MAX_TEXT)
    level = fields.get("online_level") or item.online_level
    if level not in ONLINE_LEVELS:
        problems["online_level"] = str(_l("Choose how far the item can be done online."))
    statutory = _days(fields.get("statutory_days"), "statutory_days", problems)
    promised = _days(fields.get("promised_days"), "promised_days", problems)
    if statutory is not None and promised is not None and promised > statutory:
        problems["promised_days"] = str(_l("The time limit promised cannot be longer than the one the law sets "
                                           "(%(n)s working days).", n=statutory))
    if problems:
        raise GuideError(problems)
    values.update(statutory_days=statutory, promised_days=promised, online_level=level)
    changed = [field for field in GUIDE_FIELDS if getattr(item, field) != values[field]]
    if not changed:
        return []
    for field in changed:
        setattr(item, field, values[field])
    record("service.guide_edit", _target(item), name=item.name, fields=changed)
    db.session.flush()
    return changed


# --- materials: the checklist ------------------------------------------------------------------

def _material_values(item: ServiceItem, *, name: str, original_or_copy: str, count, required: bool, note: str,
                     blank_form_id: int | None) -> dict:
    values = {"name": (name or "").strip(), "note": (note or "").strip()}
    problems = column_problems(ServiceMaterial, values)
    if not values["name"]:
        problems["name"] = str(_l("Name the material."))
    if original_or_copy not in MATERIAL_FORMS:
        problems["original_or_copy"] = str(_l("Say whether the original, a copy or both are needed."))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        problems["count"] = str(_l("How many: a whole number from 1 to %(max)s.", max=MAX_COUNT))
    if blank_form_id is not None and blank_form_id not in {f.id for f in item.forms}:
        problems["blank_form_id"] = str(_l("Choose one of this item's forms."))
    if problems:
        raise GuideError(problems)
    return {**values, "form": original_or_copy, "count": count, "required": bool(required),
            "blank_form_id": blank_form_id}


def _renumber(rows) -> None:
    for index, row in enumerate(rows):
        row.position = index


@audited
def add_material(item: ServiceItem, *, actor: User, name: str, original_or_copy: str = "original", count: int = 1,
                 required: bool = True, note: str = "", blank_form_id: int | None = None) -> ServiceMaterial:
    """Add a line to the checklist of materials, at its end.

    :raises GuideError: per field (no name, an unknown form, a count out of range, a form of another item).
    """
    _check_editable(item, actor)
    values = _material_values(item, name=name, original_or_copy=original_or_copy, count=count, required=required,
                              note=note, blank_form_id=blank_form_id)
    material = ServiceMaterial(position=len(item.materials), **values)
    item.materials.append(material)
    record("service.material_add", _target(item), name=item.name, material=values["name"])
    db.session.flush()
    return material


@audited
def update_material(material: ServiceMaterial, *, actor: User, name: str, original_or_copy: str, count: int,
                    required: bool,
                    note: str = "", blank_form_id: int | None = None) -> None:
    """Change a line of the checklist. :raises GuideError: as `add_material`."""
    item = material.item
    _check_editable(item, actor)
    values = _material_values(item, name=name, original_or_copy=original_or_copy, count=count, required=required,
                              note=note, blank_form_id=blank_form_id)
    changed = [key for key, value in values.items() if getattr(material, key) != value]
    if not changed:
        return
    for key in changed:
        setattr(material, key, values[key])
    record("service.material_update", _target(item), name=item.name, material=material.name)
    db.session.flush()


@audited
def delete_material(material: ServiceMaterial, *, actor: User) -> None:
    item = material.item
    _check_editable(item, actor)
    item.materials.remove(material)
    _renumber(item.materials)
    record("service.material_delete", _target(item), name=item.name, material=material.name)
    db.session.flush()


@audited
def move_material(material: ServiceMaterial, step: int, *, actor: User) -> bool:
    """Move a material one place (-1 up, +1 down); False at either end."""
    item = material.item
    _check_editable(item, actor)
    if not _move(item.materials, material, step):
        return False
    record("service.material_move", _target(item), name=item.name, material=material.name,
           direction="up" if step < 0 else "down", position=material.position + 1)
    db.session.flush()
    return True


def _move(rows: list, row, step: int) -> bool:
    """Swap a row with its neighbour (-1 above, +1 below) and number them again; False at either end."""
    index = rows.index(row)
    other = index + step
    if not 0 <= other < len(rows):
        return False
    ordered = list(rows)
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(ordered)
    rows.sort(key=lambda r: r.position)
    return True


# --- steps: the procedure ----------------------------------------------------------------------

def _step_values(title: str, description: str) -> dict:
    values = {"title": (title or "").strip(), "description": (description or "").strip()}
    problems = column_problems(ServiceStep, values, multiline=("description",))
    if "description" not in problems and len(values["description"]) > MAX_STEP_TEXT:
        problems["description"] = text_problem(values["description"], multiline=True, max_length=MAX_STEP_TEXT)
    if not values["title"]:
        problems["title"] = str(_l("Name the step, e.g. 申请 or 受理."))
    if problems:
        raise GuideError(problems)
    return values


@audited
def add_step(item: ServiceItem, *, actor: User, title: str, description: str = "") -> ServiceStep:
    """Add a step at the end of the procedure. :raises GuideError: a step without a name, or text too long."""
    _check_editable(item, actor)
    values = _step_values(title, description)
    step = ServiceStep(position=len(item.steps), **values)
    item.steps.append(step)
    record("service.step_add", _target(item), name=item.name, step=values["title"])
    db.session.flush()
    return step


@audited
def update_step(step: ServiceStep, *, actor: User, title: str, description: str = "") -> None:
    item = step.item
    _check_editable(item, actor)
    values = _step_values(title, description)
    if all(getattr(step, key) == value for key, value in values.items()):
        return
    step.title, step.description = values["title"], values["description"]
    record("service.step_update", _target(item), name=item.name, step=step.title)
    db.session.flush()


@audited
def delete_step(step: ServiceStep, *, actor: User) -> None:
    item = step.item
    _check_editable(item, actor)
    item.steps.remove(step)
    _renumber(item.steps)
    record("service.step_delete", _target(item), name=item.name, step=step.title)
    db.session.flush()


@audited
def move_step(step: ServiceStep, direction: int, *, actor: User) -> bool:
    item = step.item
    _check_editable(item, actor)
    if not _move(item.steps, step, direction):
        return False
    record("service.step_move", _target(item), name=item.name, step=step.title,
           direction="up" if direction < 0 else "down", position=step.position + 1)
    db.session.flush()
    return True


# --- forms: blank forms to download ------------------------------------------------------------

@audited
def add_form(item: ServiceItem, *, actor: User, title: str, upload: Upload) -> ServiceForm:
    """Attach a blank form (a document) to the item; its title defaults to the file's name.

    :raises GuideError: under "file" for a file of a type or size the platform does not take, or that is not a
        document; under "title" for a title a column cannot hold.
    """
    _check_editable(item, actor)
    try:
        check_upload(upload)
    except ContentError as error:
        raise GuideError({"file": error.message}) from None
    extension = upload.filename.strip().rsplit(".", 1)[-1].lower()
    if extension not in FORM_EXTENSIONS:
        raise GuideError({"file": _l("A form is a document: %(allowed)s.", allowed=", ".join(FORM_EXTENSIONS))})
    title = (title or "").strip() or upload.filename.strip().rsplit(".", 1)[0]
    problems = column_problems(ServiceForm, {"title": title})
    if problems:
        raise GuideError(problems)
    entry = write_upload(upload)
    form = ServiceForm(title=title, filename=entry["filename"], stored_name=entry["stored_name"],
                       content_type=entry["content_type"], size=entry["size"])
    item.forms.append(form)
    record("service.form_add", _target(item), name=item.name, form=title, file=entry["filename"])
    db.session.flush()
    return form


@audited
def delete_form(form: ServiceForm, *, actor: User) -> None:
    """Take a form off the working copy (its file stays while the published guide offers it)."""
    item = form.item
    _check_editable(item, actor)
    for material in item.materials:
        if material.blank_form_id == form.id:
            material.blank_form_id = None
    item.forms.remove(form)
    record("service.form_delete", _target(item), name=item.name, form=form.title, file=form.filename)
    db.session.flush()


# --- review ------------------------------------------------------------------------------------

def _missing_sentence(problems: dict[str, str]) -> str:
    names = [str(FIELD_LABELS.get(key, ELEMENT_LABELS.get(key, key))) for key in problems]
    return str(_l("It still needs: %(parts)s.", parts="、".join(names)))


@audited
def submit_guide(item: ServiceItem, *, actor: User) -> None:
    """Send the working copy for review.

    :raises GuideError: while an element is missing (named), or when nothing changed since publication.
    """
    _check_editable(item, actor)
    problems = publication_problems(item)
    if problems:
        raise GuideError(str(_l("The guide cannot be sent for review yet.")) + " " + _missing_sentence(problems))
    if item.published_guide is not None and not unpublished_changes(item):
        raise GuideError(_l("Nothing has changed since the guide was published: there is nothing to review."))
    item.guide_status, item.guide_note, item.guide_submitted_by_id = "reviewing", "", actor.id
    record("service.guide_submit", _target(item), name=item.name, fields=unpublished_changes(item))
    db.session.flush()


@audited
def withdraw_guide(item: ServiceItem, *, actor: User) -> None:
    """The editor takes the guide back from review, to change it further."""
    if not can(actor, "content.edit"):
        raise GuideForbidden(_l("Your roles here do not include editing service guides."))
    if item.guide_status != "reviewing":
        raise GuideError(_l("The guide is not waiting for review."))
    item.guide_status, item.guide_submitted_by_id = "editing", None
    record("service.guide_withdraw", _target(item), name=item.name)
    db.session.flush()


def _check_reviewable(item: ServiceItem, actor: User) -> None:
    if not can(actor, "content.review"):
        raise GuideForbidden(_l("Your roles here do not include reviewing service guides."))
    if item.guide_status != "reviewing":
        raise GuideError(_l("The guide is not waiting for review."))


@read_only
def own_submission(item: ServiceItem, actor: User) -> bool:
    """Whether approving would have the actor approve a guide they sent for review, on a site that forbids it."""
    return item.guide_submitted_by_id == actor.id and review_own_forbidden()


@audited
def return_guide(item: ServiceItem, *, actor: User, comment: str) -> None:
    """Send the guide back to the editors with what to change.

    :raises GuideError: under "comment" when it says nothing.
    """
    _check_reviewable(item, actor)
    comment = (comment or "").strip()
    if not comment:
        raise GuideError({"comment": _l("Say what should be changed.")})
    problems = column_problems(ServiceItem, {"guide_note": comment}, multiline=("guide_note",))
    if problems:
        raise GuideError({"comment": problems["guide_note"]})
    item.guide_status, item.guide_note, item.guide_submitted_by_id = "editing", comment, None
    record("service.guide_return", _target(item), name=item.name, comment=comment)
    db.session.flush()


@audited
def approve_guide(item: ServiceItem, *, actor: User) -> list[str]:
    """Publish the working copy: the public reads it from now on. Returns the parts that changed.

    :raises GuideForbidden: for someone without content.review, or who sent it for review on a site that
        forbids reviewing one's own work.
    :raises GuideError: while an element is missing (named), or for an item removed from the catalogue.
    """
    _check_reviewable(item, actor)
    if own_submission(item, actor):
        raise GuideForbidden(_l("You sent this guide for review: another reviewer approves it."))
    if item.catalogue_status == "removed":
        raise GuideError(_l("The item has been removed from the catalogue: its guide is no longer published."))
    problems = publication_problems(item)
    if problems:
        raise GuideError(str(_l("The guide cannot be published.")) + " " + _missing_sentence(problems))
    changed = unpublished_changes(item)
    item.published_guide = json.dumps(snapshot(item), ensure_ascii=False)
    item.published_at = now()
    item.guide_status, item.guide_note, item.guide_submitted_by_id = "editing", "", None
    record("service.guide_approve", _target(item), name=item.name, fields=changed)
    db.session.flush()
    return changed
