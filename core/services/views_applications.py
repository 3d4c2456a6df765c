"""Applications: the public files, tracks, corrects and rates them; the service officers handle them.

Public pages (a site's host, open to anyone): the apply form of an item open
online, the receipt, the tracking query (code + phone) and what the applicant
may do with the application it finds: correct it when returned, rate it when
completed. None of them shows personal data; the tracking page answers a wrong
code and a wrong phone alike, and wrong tries are rate-limited per address and
per code. The applicant's way back to an application is the tracking query
only: the session remembers the application it found (for a while), never a
link that carries the code.

Admin pages (`services.handle`): the queue by state with its deadlines, one
application with the applicant's data in full (for the site's service
officers only; masked for anyone else who holds the permission) and its
materials as attachments, the steps and the follow-ups of poor ratings.
"""
from __future__ import annotations

import time
from urllib.parse import quote

from flask import (Blueprint, Response, abort, current_app, flash, g, get_flashed_messages, redirect, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.routing import BuildError

from core.content.files import STORED_NAME, download_type, upload_dir
from core.extensions import db, limiter
from core.privacy.masking import mask_personal_text
from core.sections.queries import request_sections
from core.services.applications import (FILES_SUBFOLDER, STATE_LABELS, STEP_DONE, STEP_OPERATIONS, STEPS,
                                        answer_follow_up, available_steps, new_submission_key, note_file_download,
                                        rate, resubmit, submit_application)
from core.services.feedback import RATING_LABELS, is_poor, problem_labels
from core.services.fields import answers_of as form_answers, build_form, fill_answers, item_fields, shown_answers, \
    uploads_of
from core.services.forms_applications import (ApplyForm, FeedbackForm, FollowUpForm, ResubmitForm, StepForm,
                                              TrackForm)
from core.services.models import APPLICATION_STATES, Application, ServiceItem
from core.services.queries_applications import (QUEUE_FLAGS, Deadline, actor_names, answers_of, apply_item, deadlines,
                                                feedback_of, fields_for, file_of, files_of, find_for_applicant,
                                                flag_counts, format_tracking_code, history, is_tracking_code,
                                                item_for_application, item_names, items_with_applications,
                                                may_see_personal_data, normalise_tracking_code, queue_panel,
                                                queue_query, state_counts)
from core.web import add_menu_item, add_panel, get_or_404, int_arg, page_number, route
from core.web.actions import attempt
from core.web.limits import address_key, code_keys
from themes import render_page

bp = Blueprint("services_applications", __name__, template_folder="templates")
ADMIN = "/admin/services/applications"
PER_PAGE = 30
#: Session keys: the receipt just filed, the application a tracking query found (with when).
RECEIPT_KEY = "services.receipt"
TRACKED_KEY = "services.tracked"
#: How long a receipt and a successful tracking query stay open in the browser that made them.
KEPT_SECONDS = 30 * 60
#: The one answer to a tracking query that finds nothing, whichever of the code and the phone was wrong.
NO_MATCH = _l("No application matches this tracking code and mobile number. Check both and try again.")


def deadline_text(deadline: Deadline | None) -> str:
    """Where an application stands against its due date, in words ("" when it has none)."""
    if deadline is None:
        return ""
    if deadline.kind == "overdue":
        return ngettext("Overdue by %(num)s working day", "Overdue by %(num)s working days", deadline.days_over)
    if deadline.kind in ("due_soon", "running"):
        if deadline.days_left == 0:
            return _("Due today")
        return ngettext("%(num)s working day left", "%(num)s working days left", deadline.days_left)
    return str(DEADLINE_LABELS.get(deadline.kind, ""))


#: Where an application that is not running stands.
DEADLINE_LABELS = {
    "paused": _l("Clock stopped: with the applicant for correction"),
    "on_time": _l("Finished within the time limit"),
    "late": _l("Finished after the time limit"),
    "none": _l("No time limit"),
}


@bp.after_request
def _not_kept(response):
    """Pages with an applicant's data or code are kept by no cache, shared or the browser's."""
    response.headers["Cache-Control"] = "no-store"
    return response


# --- rate limits -------------------------------------------------------------------------------

_address_key = address_key("apply")
_code_any_key, _code_key = code_keys("track", normalise_tracking_code)


def _apply_limit() -> str:
    return current_app.config["SERVICES_APPLY_RATE_LIMIT"]


def _track_limit() -> str:
    return current_app.config["SERVICES_TRACK_RATE_LIMIT"]


def _track_code_limit() -> str:
    return current_app.config["SERVICES_TRACK_CODE_RATE_LIMIT"]


def _missed(_response) -> bool:
    """Only a query that found nothing counts against the tracking limit."""
    return bool(g.get("services_tracking_missed"))


# --- helpers -----------------------------------------------------------------------------------

def _online_section():
    """The site's online services section (网上办事), for the navigation and the breadcrumb."""
    return next((s for s in request_sections() if s.kind == "online_services"), None)


def _item_url(item_id: int) -> str | None:
    """The item's guide page, when the guide module draws one."""
    try:
        return url_for("services_guide.item", item_id=item_id)
    except BuildError:
        return None


def _held(key: str) -> int | None:
    """The application id the session keeps under `key` for this site, while it is fresh."""
    held = session.get(key)
    if not isinstance(held, dict) or held.get("site") != g.site.id or time.time() - held.get("at", 0) > KEPT_SECONDS:
        session.pop(key, None)
        return None
    return held.get("id")


def _hold(key: str, application: Application) -> None:
    session[key] = {"id": application.id, "site": g.site.id, "at": time.time()}


def _application(application_id: int | None) -> Application | None:
    if application_id is None:
        return None
    return db.session.execute(select(Application).where(Application.id == application_id)).scalar_one_or_none()


def _item(item_id: int) -> ServiceItem | None:
    return db.session.execute(select(ServiceItem).where(ServiceItem.id == item_id)).scalar_one_or_none()


# --- applying ----------------------------------------------------------------------------------

@route(bp, "/services/items/<int:item_id>/apply", permission=None, methods=("GET", "POST"))
@limiter.limit(_apply_limit, methods=["POST"], key_func=_address_key)
def apply(item_id: int):
    target = apply_item(_item(item_id))
    if target is None:
        abort(404)
    form = build_form(target.fields, ApplyForm)()
    if request.method == "GET":
        form.submission.data = new_submission_key()
    elif form.validate_on_submit():
        key = form.submission.data if 20 <= len(form.submission.data or "") <= 64 else None
        done, result = attempt(submit_application, target, applicant_name=form.applicant_name.data,
                               id_number=form.id_number.data, phone=form.phone.data, email=form.email.data or "",
                               answers=form_answers(form), uploads=uploads_of(form), submission_key=key, form=form)
        if done:
            application, _created = result
            db.session.commit()
            _hold(RECEIPT_KEY, application)
            return redirect(url_for("services_applications.receipt"))
    has_files = any(spec.type == "file" for spec in target.fields)
    return render_page("services/apply.html", target=target, form=form, extra=item_fields(form),
                       section=_online_section(), item_url=_item_url(target.id),
                       files_dropped=request.method == "POST" and has_files)


@route(bp, "/services/receipt", permission=None)
def receipt():
    application = _application(_held(RECEIPT_KEY))
    if application is None:
        return redirect(url_for("services_applications.track"))
    item = item_for_application(application)
    return render_page("services/apply_receipt.html", application=application, item=item,
                       code=format_tracking_code(application.tracking_code), section=_online_section(),
                       target=apply_item(item), item_url=_item_url(item.id))


# --- tracking ----------------------------------------------------------------------------------

@route(bp, "/services/track", permission=None, methods=("GET", "POST"))
@limiter.limit(_track_limit, methods=["POST"], key_func=_address_key, deduct_when=_missed)
@limiter.limit(_track_limit, methods=["POST"], key_func=_code_key, deduct_when=_missed)
@limiter.limit(_track_code_limit, methods=["POST"], key_func=_code_any_key, deduct_when=_missed)
def track():
    form = TrackForm()
    if request.method == "GET":
        session.pop(TRACKED_KEY, None)  # asking again starts over
    elif form.validate_on_submit():
        code = normalise_tracking_code(form.code.data)
        if not is_tracking_code(code):
            form.code.errors.append(_("A tracking code has 12 letters and digits, as on your receipt."))
        else:
            found = find_for_applicant(code, form.phone.data)
            if found is None:
                g.services_tracking_missed = True
                form.form_errors.append(str(NO_MATCH))
            else:
                _hold(TRACKED_KEY, found)
                return redirect(url_for("services_applications.status"))
    return render_page("services/track.html", form=form, section=_online_section())


def _tracked() -> Application | None:
    return _application(_held(TRACKED_KEY))


def _status_page(application: Application, *, resubmit_form=None, feedback_form=None, status: int = 200):
    item = item_for_application(application)
    specs = fields_for(application)
    answers = answers_of(application)
    feedback = feedback_of(application)
    if application.status == "returned" and resubmit_form is None:
        resubmit_form = build_form(specs, ResubmitForm, resubmission=True)(formdata=None)
        fill_answers(resubmit_form, answers)
    if application.status == "completed" and feedback is None and feedback_form is None:
        feedback_form = FeedbackForm(formdata=None)
    events = history(application)
    received = {f.field_key for f in files_of(application, current_only=True)}
    return render_page("services/track_status.html", application=application, item=item,
                       code=format_tracking_code(application.tracking_code), events=events,
                       deadline=deadlines([application])[application.id], answers=shown_answers(specs, answers),
                       file_specs=[(s, s.key in received) for s in specs if s.type == "file"],
                       resubmit_form=resubmit_form, extra=item_fields(resubmit_form) if resubmit_form else [],
                       feedback_form=feedback_form, feedback=feedback, section=_online_section(),
                       item_url=_item_url(item.id), messages=get_flashed_messages(with_categories=True),
                       masked=mask_personal_text), status


@route(bp, "/services/track/status", permission=None)
def status():
    application = _tracked()
    if application is None:
        return redirect(url_for("services_applications.track"))
    return _status_page(application)


@route(bp, "/services/track/resubmit", permission=None, methods=("POST",))
@limiter.limit(_apply_limit, methods=["POST"], key_func=_address_key)
def resubmit_application():
    application = _tracked()
    if application is None:
        return redirect(url_for("services_applications.track"))
    specs = fields_for(application)
    form = build_form(specs, ResubmitForm, resubmission=True)()
    if application.status == "returned" and form.validate_on_submit():
        done, _refusal = attempt(resubmit, application, specs, answers=form_answers(form), uploads=uploads_of(form),
                                 note=form.note.data or "", form=form)
        if done:
            db.session.commit()
            flash(_("Your corrected application has been sent. The office checks it again; the time it was with "
                    "you does not count against its time limit."), "success")
            return redirect(url_for("services_applications.status"))
    elif application.status != "returned":
        flash(_("This application is not waiting for a correction any more."), "error")
        return redirect(url_for("services_applications.status"))
    return _status_page(application, resubmit_form=form)


@route(bp, "/services/track/feedback", permission=None, methods=("POST",))
@limiter.limit(_apply_limit, methods=["POST"], key_func=_address_key)
def feedback():
    application = _tracked()
    if application is None:
        return redirect(url_for("services_applications.track"))
    form = FeedbackForm()
    if application.status == "completed" and feedback_of(application) is None and form.validate_on_submit():
        done, _refusal = attempt(rate, application, rating=form.rating.data, problems=form.problems.data or [],
                                 comment=form.comment.data or "", form=form)
        if done:
            db.session.commit()
            flash(_("Thank you for your rating.") + (" " + _("The office will look into what went wrong and answer "
                                                              "you here.") if is_poor(form.rating.data) else ""),
                  "success")
            return redirect(url_for("services_applications.status"))
    elif application.status != "completed" or feedback_of(application) is not None:
        return redirect(url_for("services_applications.status"))
    return _status_page(application, feedback_form=form)


# --- the officers' pages -----------------------------------------------------------------------

@route(bp, f"{ADMIN}/", permission="services.handle")
def queue():
    state = request.args.get("state", "open")
    if state not in (*APPLICATION_STATES, "open", "all"):
        abort(404)
    flag = request.args.get("flag", "")
    if flag and flag not in QUEUE_FLAGS:
        abort(404)
    item_id = int_arg("item")
    search = request.args.get("q", "").strip()[:40]
    if flag or search:
        state = "all"  # a flag or a search looks in every state
    full = may_see_personal_data(current_user)
    query = queue_query(state=state, flag=flag, item_id=item_id, search=search, by_phone=full)
    pagination = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    rows = list(pagination.items)
    return render_page("services/admin_applications.html", pagination=pagination, rows=rows,
                       deadlines=deadlines(rows), names=item_names(rows), counts=state_counts(),
                       flags=flag_counts(), items=items_with_applications(),
                       filters={"state": state, "flag": flag, "item": item_id or "", "q": search},
                       pager_args={k: v for k, v in {"state": state, "flag": flag, "item": item_id or "",
                                                     "q": search}.items() if v},
                       state_labels=STATE_LABELS, deadline_text=deadline_text, code=format_tracking_code,
                       phone_search=full)


@route(bp, f"{ADMIN}/<int:application_id>", permission="services.handle", methods=("GET", "POST"))
def detail(application_id: int):
    application = get_or_404(Application, application_id)
    step_forms = {s.key: StepForm(prefix=s.key) for s in available_steps(application)}
    for key, form in step_forms.items():
        if STEPS[key].note_label:
            form.note.label.text = str(STEPS[key].note_label)
    follow_form = FollowUpForm(prefix="follow")
    if request.method == "POST":
        key = request.form.get("step", "")
        if key in step_forms:
            form = step_forms[key]
            if form.validate_on_submit():
                extra = {"legal_basis": form.legal_basis.data or ""} if STEPS[key].needs_basis else {}
                done, _refusal = attempt(STEP_OPERATIONS[key], application, actor=current_user,
                                         note=form.note.data or "", form=form, **extra)
                if done:
                    db.session.commit()
                    flash(str(STEP_DONE[key]), "success")
                    return redirect(url_for("services_applications.detail", application_id=application.id))
        elif key == "follow_up":
            if follow_form.validate_on_submit():
                done, _refusal = attempt(answer_follow_up, application, actor=current_user,
                                         answer=follow_form.answer.data or "", form=follow_form)
                if done:
                    db.session.commit()
                    flash(_("The answer was sent: the applicant reads it when checking the application."),
                          "success")
                    return redirect(url_for("services_applications.detail", application_id=application.id))
        else:
            flash(_("This step cannot be taken now: the application has moved on. Reload the page."), "error")
            return redirect(url_for("services_applications.detail", application_id=application.id))
    specs = fields_for(application)
    events = history(application)
    feedback = feedback_of(application)
    full = may_see_personal_data(current_user)
    return render_page("services/admin_application.html", application=application,
                       item=item_for_application(application), code=format_tracking_code(application.tracking_code),
                       full=full, answers=shown_answers(specs, answers_of(application)), specs=specs,
                       files=files_of(application), events=events, names=actor_names(events, feedback),
                       deadline=deadlines([application])[application.id], deadline_text=deadline_text,
                       steps=[(STEPS[k], f) for k, f in step_forms.items()], feedback=feedback,
                       follow_form=follow_form if feedback and is_poor(feedback.rating) and not feedback.follow_up_at
                       else None, state_labels=STATE_LABELS, rating_labels=RATING_LABELS,
                       problem_labels=problem_labels, spec_labels={s.key: s.shown_label() for s in specs})


@route(bp, f"{ADMIN}/<int:application_id>/files/<int:file_id>", permission="services.handle")
def download(application_id: int, file_id: int):
    """An applicant's material, to the site's service officers only: always an attachment, its type from its name."""
    application = get_or_404(Application, application_id)
    found = file_of(application, file_id)
    if found is None:
        abort(404)
    if not may_see_personal_data(current_user):
        abort(403, description=_("Applicants' materials are personal information: only this site's service "
                                 "officers open them."))
    labels = {s.key: s.shown_label() for s in fields_for(application)}
    done, _refusal = attempt(note_file_download, application, found, actor=current_user,
                             material=labels.get(found.field_key, found.field_key))
    if not done:
        abort(403)
    db.session.commit()
    path = upload_dir(application.tenant_id) / FILES_SUBFOLDER / found.stored_name
    if not STORED_NAME.match(found.stored_name) or not path.is_file():
        abort(404)
    # The type follows the stored name's extension (one of the types applicants may send), never the upload's claim.
    response = Response(path.read_bytes(),
                        mimetype=download_type(found.stored_name))
    if found.filename.isascii():
        response.headers.set("Content-Disposition", "attachment", filename=found.filename)
    else:
        # Old clients read only filename=: give them a name that says what it is, not a bare ".pdf".
        response.headers.set("Content-Disposition", "attachment",
                             filename=f"material-{found.id}.{found.stored_name.rsplit('.', 1)[-1]}",
                             **{"filename*": f"UTF-8''{quote(found.filename, safe='')}"})
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(application_state_label=lambda s: str(STATE_LABELS.get(s, s)),
                                 feedback_rating_label=lambda r: str(RATING_LABELS.get(r, r)))
    add_menu_item(app, "site", "services_applications.queue", _l("Applications"), "services.handle", order=45)
    add_panel(app, "site", "services/admin_applications_panel.html", queue_panel, "services.handle", order=15)
