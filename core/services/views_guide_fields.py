"""The guide editor's part for the online application form: add, change, order and remove its fields.

Its own blueprint, under an item's admin page (`views_guide` draws the page
and its "add a field" form); the rules are in `core.services.guide_fields`.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.extensions import db
from core.forms import ActionForm, MoveForm, submitted
from core.services.fields import KEY, TYPE_LABELS
from core.services.forms_guide import ApplicationFieldForm
from core.services.guide import working_fields
from core.services.guide_fields import add_application_field, delete_application_field, editor_values, \
    field_index, move_application_field, update_application_field
from core.services.guides import edit_refusal
from core.services.views_guide import ADMIN, _item_or_404, _item_page, _step_done
from core.web import route
from core.web.actions import attempt
from themes import render_page

bp = Blueprint("services_guide_fields", __name__, template_folder="templates")
ANCHOR = "#application-form"


def _edit(rule: str, methods=("POST",)):
    return route(bp, rule, permission="admin.enter", write="content.edit", methods=methods)


def field_form(**kwargs) -> ApplicationFieldForm:
    return ApplicationFieldForm(prefix="field", **kwargs)


def _entry_or_404(item, field_key: str) -> dict:
    index = field_index(item, field_key) if KEY.match(field_key) else None
    if index is None:
        abort(404)
    return working_fields(item)[index]


def _back(item):
    return redirect(url_for("services_guide.admin_item", item_id=item.id) + ANCHOR)


@_edit(f"{ADMIN}/<int:item_id>/fields")
def admin_add_field(item_id: int):
    item = _item_or_404(item_id)
    form = field_form()
    if form.validate_on_submit():
        done, _ = attempt(add_application_field, item, actor=current_user, values=form.values(), form=form)
        if done:
            return _step_done(item, _l("The field was added to the application form."), ANCHOR)
    return _item_page(item, field_form=form, problem="field-form")

@_edit(f"{ADMIN}/<int:item_id>/fields/<field_key>", methods=("GET", "POST"))
def admin_field(item_id: int, field_key: str):
    item = _item_or_404(item_id)
    entry = _entry_or_404(item, field_key)
    form = field_form() if request.method == "POST" else field_form(formdata=None, data=editor_values(entry))
    form.submit.label.text = str(_l("Save the field"))
    if request.method == "POST" and form.validate_on_submit():
        done, changed = attempt(update_application_field, item, field_key, actor=current_user,
                                values=form.values(), form=form)
        if done:
            return _step_done(item, _l("The field was saved.") if changed else _l("Nothing was changed."),
                              ANCHOR)
    refusal = edit_refusal(item, current_user)
    return render_page("services/admin_item_field.html", item=item, entry=entry, form=form,
                       number=field_index(item, field_key) + 1, editable=refusal is None, refusal=refusal,
                       type_labels=TYPE_LABELS)

@_edit(f"{ADMIN}/<int:item_id>/fields/<field_key>/move")
def admin_move_field(item_id: int, field_key: str):
    item = _item_or_404(item_id)
    _entry_or_404(item, field_key)
    form = submitted(MoveForm())
    done, moved = attempt(move_application_field, item, field_key, form.step, actor=current_user)
    if done and moved:
        db.session.commit()
    return _back(item)

@_edit(f"{ADMIN}/<int:item_id>/fields/<field_key>/delete")
def admin_delete_field(item_id: int, field_key: str):
    item = _item_or_404(item_id)
    _entry_or_404(item, field_key)
    submitted(ActionForm())
    done, _ = attempt(delete_application_field, item, field_key, actor=current_user)
    if done:
        return _step_done(item, _l("The field was taken off the application form."), ANCHOR)
    return _back(item)


def init_app(app) -> None:
    app.register_blueprint(bp)
