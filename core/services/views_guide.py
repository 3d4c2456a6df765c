"""The service guides: the public's item pages and form downloads, the department's guide editing, the bureau's catalogue."""
from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.audit.queries import entries_about
from core.content.files import STORED_NAME, Upload, add_file_referrer, download_type, upload_dir
from core.content.queries import section_page as article_page
from core.extensions import db
from core.forms import ActionForm, MoveForm, choices, submitted
from core.sections.models import Section
from core.sections.pages import section_page
from core.sections.queries import request_sections
from core.services import audit_labels_guide
from core.services.catalogue import (CatalogueFileError, approve_request, import_catalogue, refuse_request,
                                     request_addition, request_payload, request_removal, template_csv, template_xlsx)
from core.services.fields import TYPE_LABELS, FieldDefinitionError, file_hint, parse_fields
from core.services.forms_guide import (AdditionForm, ApplicationFieldForm, FormUploadForm, GuideForm, ImportForm,
                                       MaterialForm, RefusalForm, RemovalForm, ReturnForm, StepForm)
from core.services.guide import (CATALOGUE_LABELS, ELEMENT_LABELS, FIELD_LABELS, GUIDE_FIELDS, KIND_LABELS,
                                 MATERIAL_FORM_LABELS, ONLINE_EXPLAINED, ONLINE_LABELS, TEXT_FIELDS, days_text,
                                 publication_problems, published, snapshot, unpublished_changes)
from core.services.guides import (StaleGuide, add_form, add_material, add_step, approve_guide, delete_form,
                                  delete_material, delete_step, edit_refusal, move_material, move_step, own_submission,
                                  return_guide, submit_guide, text_version, update_guide, update_material, update_step,
                                  withdraw_guide)
from core.services.models import ITEM_KINDS, ONLINE_LEVELS, ServiceForm, ServiceItem, ServiceMaterial, ServiceStep
from core.services.queries_guide import (PublicItem, catalogue_items, catalogue_of_site, catalogue_overview,
                                         find_request, guide_panel, load_item, pending_requests, public_item,
                                         public_items, referenced_service_files, request_queue, requests_of_item,
                                         site_requests, user_names)
from core.web import add_menu_item, add_panel, cached_page, get_or_404, page_number, route
from core.web.actions import attempt
from tenants.models import Tenant
from themes import render_page

bp = Blueprint("services_guide", __name__, template_folder="templates")

#: The applications part answers these (core.services.views_applications); until it does, the paths are linked.
APPLY_ENDPOINT, APPLY_PATH = "services_applications.apply", "/services/items/{item_id}/apply"
TRACK_ENDPOINT, TRACK_PATH = "services_applications.track", "/services/track"


def apply_url(item_id: int) -> str:
    """Where the public applies online for an item."""
    if APPLY_ENDPOINT in current_app.view_functions:
        return url_for(APPLY_ENDPOINT, item_id=item_id)
    return APPLY_PATH.format(item_id=item_id)


def track_url() -> str:
    """Where the public looks an application up by its tracking code."""
    return url_for(TRACK_ENDPOINT) if TRACK_ENDPOINT in current_app.view_functions else TRACK_PATH


def _section_of(kind: str) -> Section | None:
    return next((s for s in request_sections() if s.kind == kind), None)


# --- public pages ------------------------------------------------------------------------------

def _articles(section: Section):
    """The section's own articles (a page at a time), as the content module lists them."""
    page = page_number()
    pagination = article_page(section, page, current_app.config["PAGE_SIZE"])
    if page > 1 and page > (pagination.pages or 1):
        abort(404)
    return page, pagination


@section_page("service_items")
def guide_section(section: Section, children: list[Section]):
    """The service guide: items by kind and theme, searchable by name or code."""
    kind = request.args.get("kind") or None
    if kind is not None and kind not in ITEM_KINDS:
        abort(404)
    query = (request.args.get("q") or "").strip()[:100]
    items = public_items()
    themes = []
    for found in items:
        if found.theme and found.theme not in themes:
            themes.append(found.theme)
    theme = request.args.get("theme") or None
    if theme is not None and theme not in themes:
        abort(404)
    shown = [i for i in items if (kind is None or i.kind == kind) and (theme is None or i.theme == theme)
             and (not query or query.lower() in i.name.lower() or query.lower() in i.code.lower())]
    groups: dict[str, list[PublicItem]] = {}
    for found in shown:
        groups.setdefault(found.theme, []).append(found)
    ordered = [(t, groups[t]) for t in themes if t in groups] + ([("", groups[""])] if "" in groups else [])
    page, pagination = _articles(section)
    return render_page("services/guide_index.html", section=section, children=children, groups=ordered,
                       shown=len(shown), total=len(items), kind=kind, theme=theme, query=query, themes=themes,
                       counts={k: sum(1 for i in items if i.kind == k) for k in ITEM_KINDS}, page=page,
                       pagination=pagination, **_labels())


@section_page("online_services")
def online_section(section: Section, children: list[Section]):
    """Online services: the items by how far they can be done online, with the way to track an application."""
    items = public_items()
    levels = [(level, [i for i in items if i.online_level == level]) for level in ONLINE_LEVELS]
    page, pagination = _articles(section)
    return render_page("services/guide_online.html", section=section, children=children, levels=levels,
                       guide_section=_section_of("service_items"), page=page, pagination=pagination, **_labels())


@section_page("forms")
def forms_section(section: Section, children: list[Section]):
    """Form downloads: every published item's forms, with their item, then the section's own articles."""
    with_forms = [i for i in public_items() if i.forms]
    page, pagination = _articles(section)
    return render_page("services/guide_forms.html", section=section, children=children, items=with_forms,
                       page=page, pagination=pagination, **_labels())


def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "online_labels": ONLINE_LABELS, "online_explained": ONLINE_EXPLAINED,
            "material_labels": MATERIAL_FORM_LABELS, "element_labels": ELEMENT_LABELS, "field_labels": FIELD_LABELS,
            "days_text": days_text, "apply_url": apply_url, "track_url": track_url}


@route(bp, "/services/items/<int:item_id>", permission=None)
@cached_page
def item(item_id: int):
    """An item's guide, as approved: everything an applicant needs to know and bring."""
    found = public_item(item_id)
    if found is None:
        abort(404)
    return render_page("services/guide_item.html", found=found, guide=found.guide,
                       section=_section_of("service_items"), preview=False, **_labels())


@route(bp, "/services/items/<int:item_id>/forms/<int:form_id>/<path:filename>", permission=None)
def form_file(item_id: int, form_id: int, filename: str):
    """A blank form of a published item, as an attachment (the type from the stored file's extension)."""
    found = public_item(item_id)
    entry = next((f for f in found.forms if f.get("id") == form_id), None) if found else None
    if entry is None or entry.get("filename") != filename or not STORED_NAME.match(entry.get("stored_name") or ""):
        abort(404)
    return _send(found.item.tenant_id, entry["stored_name"], entry["filename"], f"form-{form_id}")


def _send(tenant_id: int, stored_name: str, filename: str, fallback_stem: str) -> Response:
    response = send_from_directory(upload_dir(tenant_id), stored_name, as_attachment=True, download_name=filename,
                                   mimetype=download_type(stored_name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not filename.isascii():
        # Old clients read only filename=: give them a name that says what it is, not a bare ".pdf".
        fallback = f"{fallback_stem}.{stored_name.rsplit('.', 1)[-1]}"
        response.headers["Content-Disposition"] = (f'attachment; filename="{fallback}"; '
                                                   f"filename*=UTF-8''{quote(filename, safe='')}")
    return response


# --- the department's admin: the catalogue and the guides --------------------------------------

ADMIN = "/admin/services/items"


def _edit(rule: str, write: str = "content.edit", methods=("POST",)):
    return route(bp, rule, permission="admin.enter", write=write, methods=methods)


def _item_or_404(item_id: int) -> ServiceItem:
    found = load_item(item_id)
    if found is None:
        abort(404)
    return found


def _part_or_404(model, part_id: int, item: ServiceItem):
    found = get_or_404(model, part_id)
    if found.item_id != item.id:
        abort(404)
    return found


#: The filters of the item list: what each keeps.
LIST_FILTERS = {
    "incomplete": lambda s: bool(s.missing),
    "reviewing": lambda s: s.item.guide_status == "reviewing",
    "unpublished": lambda s: bool(s.changes) and s.item.published_guide is not None,
    "never_published": lambda s: s.item.published_guide is None,
    "removal_requested": lambda s: s.item.catalogue_status == "removal_requested",
}
LIST_FILTER_LABELS = {
    "incomplete": _l("Missing elements"),
    "reviewing": _l("Waiting for review"),
    "unpublished": _l("Changes not published"),
    "never_published": _l("Never published"),
    "removal_requested": _l("Removal requested"),
}


@route(bp, ADMIN, permission="admin.enter")
def admin_items():
    """The site's catalogue: each item's guide, what it lacks, what waits for review or publication."""
    shown = request.args.get("show") or None
    if shown is not None and shown not in LIST_FILTERS:
        abort(404)
    states = catalogue_items()
    counts = {key: sum(1 for s in states if keep(s)) for key, keep in LIST_FILTERS.items()}
    rows = [s for s in states if shown is None or LIST_FILTERS[shown](s)]
    return render_page("services/admin_items.html", rows=rows, total=len(states), counts=counts, shown=shown,
                       filter_labels=LIST_FILTER_LABELS, catalogue_labels=CATALOGUE_LABELS, **_labels())


def _blank_form_choices(item: ServiceItem):
    return choices([("", _l("— none —"))] + [(str(f.id), f.title) for f in item.forms])


def _material_form(item: ServiceItem, **kwargs) -> MaterialForm:
    form = MaterialForm(prefix="material", **kwargs)
    form.blank_form_id.choices = _blank_form_choices(item)
    return form


def _guide_form(item: ServiceItem) -> GuideForm:
    form = GuideForm(formdata=None, obj=item)
    form.version.data = text_version(item)
    return form


def _item_page(item: ServiceItem, *, status: int = 200, stale: dict | None = None, problem: str | None = None,
               **forms):
    refusal = edit_refusal(item, current_user)
    problems = publication_problems(item)
    history = entries_about(f"service_item:{item.id}")[:30]
    requests = requests_of_item(item)
    context = {
        "guide_form": forms.get("guide_form") or _guide_form(item),
        "material_form": forms.get("material_form") or _material_form(item, formdata=None),
        "step_form": forms.get("step_form") or StepForm(prefix="step", formdata=None),
        "upload_form": forms.get("upload_form") or FormUploadForm(prefix="upload", formdata=None),
        "return_form": forms.get("return_form") or ReturnForm(prefix="return", formdata=None),
        "field_form": forms.get("field_form") or ApplicationFieldForm(prefix="field", formdata=None),
        "removal_form": forms.get("removal_form") or RemovalForm(prefix="removal", formdata=None),
        "action_form": ActionForm(formdata=None),
    }
    names = user_names([item.guide_submitted_by_id] + [r.requested_by_id for r in requests])
    try:
        specs, fields_problem = parse_fields(item.application_fields), None
    except FieldDefinitionError as error:
        specs, fields_problem = [], error.message
    return render_page(
        "services/admin_item.html", item=item, editable=refusal is None, refusal=refusal, problems=problems,
        missing=[k for k in ELEMENT_LABELS if k in problems], changes=unpublished_changes(item), live=published(item),
        own_submission=own_submission(item, current_user), history=history,
        trail=SimpleNamespace(items=history, pages=1), requests=requests, names=names, stale=stale, problem=problem,
        catalogue_labels=CATALOGUE_LABELS, specs=specs, fields_problem=fields_problem, type_labels=TYPE_LABELS,
        file_hint=file_hint, **context, **_labels()), status


def _guide_fields(form: GuideForm) -> dict:
    values = {field: getattr(form, field).data for field in TEXT_FIELDS}
    values.update(statutory_days=form.statutory_days.data, promised_days=form.promised_days.data,
                  online_level=form.online_level.data)
    return values


@_edit(f"{ADMIN}/<int:item_id>", methods=("GET", "POST"))
def admin_item(item_id: int):
    """An item's guide: the working copy to edit, its gaps, and the steps of its review."""
    item = _item_or_404(item_id)
    if request.method != "POST":
        return _item_page(item)
    form = GuideForm()
    stale = None
    if form.validate_on_submit():
        done, result = attempt(update_guide, item, actor=current_user, fields=_guide_fields(form),
                               version=form.version.data or None, form=form)
        if done:
            db.session.commit()
            flash(str(_l("The guide was saved: %(parts)s.", parts="、".join(str(FIELD_LABELS[f]) for f in result)))
                  if result else str(_l("Nothing was changed.")), "success")
            return redirect(url_for("services_guide.admin_item", item_id=item.id))
        if isinstance(result, StaleGuide):
            item = _item_or_404(item_id)
            stale = {field: getattr(item, field) for field in GUIDE_FIELDS}
            form.version.data = text_version(item)  # saving again now keeps what this form says
    return _item_page(item, guide_form=form, stale=stale, problem="guide")


@route(bp, f"{ADMIN}/<int:item_id>/preview", permission="admin.enter")
def admin_preview(item_id: int):
    """The working copy drawn as the public page will show it once approved."""
    item = _item_or_404(item_id)
    found = PublicItem(item, snapshot(item))
    return render_page("services/guide_item.html", found=found, guide=found.guide,
                       section=_section_of("service_items"), preview=True, **_labels())


def _step_done(item: ServiceItem, message, anchor: str = ""):
    db.session.commit()
    flash(str(message), "success")
    return redirect(url_for("services_guide.admin_item", item_id=item.id) + anchor)


@_edit(f"{ADMIN}/<int:item_id>/submit")
def admin_submit(item_id: int):
    item = _item_or_404(item_id)
    submitted(ActionForm())
    done, _ = attempt(submit_guide, item, actor=current_user)
    if done:
        return _step_done(item, _l("The guide was sent for review."))
    return redirect(url_for("services_guide.admin_item", item_id=item.id))


@_edit(f"{ADMIN}/<int:item_id>/withdraw")
def admin_withdraw(item_id: int):
    item = _item_or_404(item_id)
    submitted(ActionForm())
    done, _ = attempt(withdraw_guide, item, actor=current_user)
    if done:
        return _step_done(item, _l("The guide was taken back from review: it can be edited again."))
    return redirect(url_for("services_guide.admin_item", item_id=item.id))


@_edit(f"{ADMIN}/<int:item_id>/approve", write="content.review")
def admin_approve(item_id: int):
    item = _item_or_404(item_id)
    submitted(ActionForm())
    done, _ = attempt(approve_guide, item, actor=current_user)
    if done:
        return _step_done(item, _l("The guide was approved and is published on the site."))
    return redirect(url_for("services_guide.admin_item", item_id=item.id))


@_edit(f"{ADMIN}/<int:item_id>/return", write="content.review")
def admin_return(item_id: int):
    item = _item_or_404(item_id)
    form = ReturnForm(prefix="return")
    if form.validate_on_submit():
        done, _ = attempt(return_guide, item, actor=current_user, comment=form.comment.data or "", form=form)
        if done:
            return _step_done(item, _l("The guide was sent back to the editors."))
    return _item_page(item, return_form=form, problem="review")


@_edit(f"{ADMIN}/<int:item_id>/materials")
def admin_add_material(item_id: int):
    item = _item_or_404(item_id)
    form = _material_form(item)
    if form.validate_on_submit():
        done, _ = attempt(add_material, item, actor=current_user, name=form.name.data or "",
                          original_or_copy=form.original_or_copy.data,
                          count=form.count.data, required=form.required.data, note=form.note.data or "",
                          blank_form_id=form.blank_form_id.data, form=form)
        if done:
            return _step_done(item, _l("The material was added to the checklist."), "#materials")
    return _item_page(item, material_form=form, problem="material-form")


@_edit(f"{ADMIN}/<int:item_id>/materials/<int:material_id>", methods=("GET", "POST"))
def admin_material(item_id: int, material_id: int):
    item = _item_or_404(item_id)
    material = _part_or_404(ServiceMaterial, material_id, item)
    form = _material_form(item, obj=material) if request.method == "POST" else \
        _material_form(item, formdata=None, obj=material, original_or_copy=material.form)
    form.submit.label.text = str(_l("Save the material"))
    if request.method == "POST" and form.validate_on_submit():
        done, _ = attempt(update_material, material, actor=current_user, name=form.name.data or "",
                          original_or_copy=form.original_or_copy.data, count=form.count.data,
                          required=form.required.data, note=form.note.data or "",
                          blank_form_id=form.blank_form_id.data, form=form)
        if done:
            return _step_done(item, _l("The material was saved."), "#materials")
    return render_page("services/admin_item_material.html", item=item, material=material, form=form,
                       editable=edit_refusal(item, current_user) is None, refusal=edit_refusal(item, current_user))


@_edit(f"{ADMIN}/<int:item_id>/materials/<int:material_id>/move")
def admin_move_material(item_id: int, material_id: int):
    item = _item_or_404(item_id)
    material = _part_or_404(ServiceMaterial, material_id, item)
    form = submitted(MoveForm())
    done, moved = attempt(move_material, material, form.step, actor=current_user)
    if done and moved:
        db.session.commit()
    return redirect(url_for("services_guide.admin_item", item_id=item.id) + "#materials")


@_edit(f"{ADMIN}/<int:item_id>/materials/<int:material_id>/delete")
def admin_delete_material(item_id: int, material_id: int):
    item = _item_or_404(item_id)
    material = _part_or_404(ServiceMaterial, material_id, item)
    submitted(ActionForm())
    done, _ = attempt(delete_material, material, actor=current_user)
    if done:
        return _step_done(item, _l("The material was taken off the checklist."), "#materials")
    return redirect(url_for("services_guide.admin_item", item_id=item.id) + "#materials")


@_edit(f"{ADMIN}/<int:item_id>/steps")
def admin_add_step(item_id: int):
    item = _item_or_404(item_id)
    form = StepForm(prefix="step")
    if form.validate_on_submit():
        done, _ = attempt(add_step, item, actor=current_user, title=form.title.data or "",
                          description=form.description.data or "", form=form)
        if done:
            return _step_done(item, _l("The step was added to the procedure."), "#procedure")
    return _item_page(item, step_form=form, problem="step-form")


@_edit(f"{ADMIN}/<int:item_id>/steps/<int:step_id>", methods=("GET", "POST"))
def admin_step(item_id: int, step_id: int):
    item = _item_or_404(item_id)
    step = _part_or_404(ServiceStep, step_id, item)
    form = StepForm(prefix="step", obj=step) if request.method == "POST" else \
        StepForm(prefix="step", formdata=None, obj=step)
    form.submit.label.text = str(_l("Save the step"))
    if request.method == "POST" and form.validate_on_submit():
        done, _ = attempt(update_step, step, actor=current_user, title=form.title.data or "",
                          description=form.description.data or "", form=form)
        if done:
            return _step_done(item, _l("The step was saved."), "#procedure")
    return render_page("services/admin_item_step.html", item=item, step=step, form=form,
                       number=item.steps.index(step) + 1, editable=edit_refusal(item, current_user) is None,
                       refusal=edit_refusal(item, current_user))


@_edit(f"{ADMIN}/<int:item_id>/steps/<int:step_id>/move")
def admin_move_step(item_id: int, step_id: int):
    item = _item_or_404(item_id)
    step = _part_or_404(ServiceStep, step_id, item)
    form = submitted(MoveForm())
    done, moved = attempt(move_step, step, form.step, actor=current_user)
    if done and moved:
        db.session.commit()
    return redirect(url_for("services_guide.admin_item", item_id=item.id) + "#procedure")


@_edit(f"{ADMIN}/<int:item_id>/steps/<int:step_id>/delete")
def admin_delete_step(item_id: int, step_id: int):
    item = _item_or_404(item_id)
    step = _part_or_404(ServiceStep, step_id, item)
    submitted(ActionForm())
    done, _ = attempt(delete_step, step, actor=current_user)
    if done:
        return _step_done(item, _l("The step was taken out of the procedure."), "#procedure")
    return redirect(url_for("services_guide.admin_item", item_id=item.id) + "#procedure")


@_edit(f"{ADMIN}/<int:item_id>/forms")
def admin_add_form(item_id: int):
    item = _item_or_404(item_id)
    form = FormUploadForm(prefix="upload")
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [*form.file.errors, str(_l("Choose the form's file."))]
        else:
            done, _ = attempt(add_form, item, actor=current_user, title=form.title.data or "",
                              upload=Upload(upload.filename, upload.read(), upload.mimetype), form=form)
            if done:
                return _step_done(item, _l("The form was added."), "#forms")
    return _item_page(item, upload_form=form, problem="forms")


@_edit(f"{ADMIN}/<int:item_id>/forms/<int:form_id>/delete")
def admin_delete_form(item_id: int, form_id: int):
    item = _item_or_404(item_id)
    found = _part_or_404(ServiceForm, form_id, item)
    submitted(ActionForm())
    done, _ = attempt(delete_form, found, actor=current_user)
    if done:
        return _step_done(item, _l("The form was taken off the guide."), "#forms")
    return redirect(url_for("services_guide.admin_item", item_id=item.id) + "#forms")


@_edit(f"{ADMIN}/<int:item_id>/removal")
def admin_request_removal(item_id: int):
    item = _item_or_404(item_id)
    form = RemovalForm(prefix="removal")
    if form.validate_on_submit():
        done, _ = attempt(request_removal, item, actor=current_user, reason=form.reason.data or "", form=form)
        if done:
            return _step_done(item, _l("The bureau has been asked to remove the item. It stays on the site until "
                                       "the bureau approves."), "#catalogue")
    return _item_page(item, removal_form=form, problem="catalogue")


@route(bp, "/admin/services/requests", permission="admin.enter", write="content.edit", methods=("GET", "POST"))
def admin_requests():
    """The site's requests to the bureau to add or remove items, and a new request to add one."""
    form = AdditionForm()
    if form.validate_on_submit():
        done, _ = attempt(request_addition, actor=current_user, code=form.code.data or "", name=form.name.data or "",
                          kind=form.kind.data, reason=form.reason.data or "", form=form)
        if done:
            db.session.commit()
            flash(str(_l("The bureau has been asked to add the item.")), "success")
            return redirect(url_for("services_guide.admin_requests"))
    rows = site_requests()
    return render_page("services/admin_item_requests.html", form=form, rows=rows, payload=request_payload,
                       names=user_names([r.requested_by_id for r in rows]), **_labels())


# --- the bureau's console ----------------------------------------------------------------------

def _console(rule: str, methods=("GET",)):
    return route(bp, rule, permission="platform.view" if "GET" in methods else "platform.manage",
                 write="platform.manage", host="platform", methods=methods)


@_console("/platform/services/catalogue", methods=("GET", "POST"))
def platform_catalogue():
    """Every site's catalogue in figures, and the import of the committee's list."""
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not getattr(upload, "filename", ""):
            form.file.errors = [*form.file.errors, str(_l("Choose the file to import."))]
        else:
            done, result = attempt(import_catalogue, upload.filename, upload.read(),
                                   complete_list=bool(form.complete_list.data), form=form)
            if done:
                db.session.commit()
                flash(str(_l("The list was imported: %(sites)s sites, %(added)s items added, %(updated)s updated, "
                             "%(removed)s removed, %(unchanged)s unchanged.", sites=len(result.sites),
                             added=result.total("added"), updated=result.total("updated"),
                             removed=result.total("removed"), unchanged=result.total("unchanged"))), "success")
                return redirect(url_for("services_guide.platform_catalogue"))
            if isinstance(result, CatalogueFileError):
                problems = result.lines
    return render_page("services/platform_catalogue.html", form=form, problems=problems,
                       rows=catalogue_overview(), pending=pending_requests())


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (f'attachment; filename="catalogue-template.{filename.rsplit(".")[-1]}"; '
                                               f"filename*=UTF-8''{quote(filename, safe='')}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _english() -> bool:
    return str(get_locale()) == "en"


@_console("/platform/services/catalogue/template.xlsx")
def platform_template_xlsx():
    """The template of the committee's list, as an Excel workbook."""
    name = "catalogue-template.xlsx" if _english() else "事项目录模板.xlsx"
    return _download(template_xlsx(_english()), name,
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@_console("/platform/services/catalogue/template.csv")
def platform_template_csv():
    """The template of the committee's list, as CSV (UTF-8)."""
    name = "catalogue-template.csv" if _english() else "事项目录模板.csv"
    return _download(template_csv(_english()), name, "text/csv")


@_console("/platform/services/sites/<int:tenant_id>")
def platform_site_catalogue(tenant_id: int):
    """One site's catalogue, item by item, with what each guide lacks."""
    site = get_or_404(Tenant, tenant_id)
    return render_page("services/platform_catalogue_site.html", tenant=site, rows=catalogue_of_site(site.id),
                       catalogue_labels=CATALOGUE_LABELS, **_labels())


@_console("/platform/services/requests")
def platform_requests():
    """The departments' requests to add or remove items: those waiting first."""
    return _requests_page()


def _requests_page(refusal: RefusalForm | None = None, refused_id: int | None = None):
    rows = request_queue()
    return render_page("services/platform_requests.html", rows=rows, payload=request_payload,
                       names=user_names([r.requested_by_id for r, _ in rows] + [r.decided_by_id for r, _ in rows]),
                       action_form=ActionForm(formdata=None), refusal=refusal, refused_id=refused_id, **_labels())


def _request_or_404(request_id: int):
    found = find_request(request_id)
    if found is None:
        abort(404)
    return found


@_console("/platform/services/requests/<int:request_id>/approve", methods=("POST",))
def platform_approve_request(request_id: int):
    found = _request_or_404(request_id)
    submitted(ActionForm())
    done, _ = attempt(approve_request, found, actor=current_user)
    if done:
        db.session.commit()
        flash(str(_l("The request was approved: the site's catalogue has been changed.")), "success")
    return redirect(url_for("services_guide.platform_requests"))


@_console("/platform/services/requests/<int:request_id>/refuse", methods=("POST",))
def platform_refuse_request(request_id: int):
    found = _request_or_404(request_id)
    form = RefusalForm()
    if not form.validate_on_submit():
        return _requests_page(refusal=form, refused_id=found.id)
    done, _ = attempt(refuse_request, found, actor=current_user, answer=form.answer.data or "", form=form)
    if not done:
        return _requests_page(refusal=form, refused_id=found.id)
    db.session.commit()
    flash(str(_l("The request was refused; the department sees why.")), "success")
    return redirect(url_for("services_guide.platform_requests"))


def _console_panel() -> dict:
    return {"pending": pending_requests()}


def _site_panel() -> dict:
    return guide_panel(current_user)


def init_app(app) -> None:
    app.register_blueprint(bp)
    audit_labels_guide.register()
    add_file_referrer(referenced_service_files)
    add_menu_item(app, "site", "services_guide.admin_items", _l("Service guides"), "admin.enter", order=25)
    add_menu_item(app, "platform", "services_guide.platform_catalogue", _l("Service catalogue"), "platform.view",
                  order=32)
    add_panel(app, "site", "services/admin_item_panel.html", _site_panel, "content.work", order=15)
    add_panel(app, "platform", "services/platform_catalogue_panel.html", _console_panel, "platform.view", order=45)
