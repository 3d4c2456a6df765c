"""Disclosure on application (依申请公开): the public applies and follows; the disclosure officers handle.

Public pages (a site's host, open to anyone): the 依申请公开 page (how to
apply, the time limits), the apply form, the receipt, the tracking query (code
+ mobile number) and what it finds: the state, the history, the request for
clarification with the form to answer it, and the reply with its files. None
shows the applicant's personal data; a wrong code and a wrong phone get the same
answer; filing and wrong tries are rate-limited per address (and per code).
The way back to an application is the tracking query only: the session keeps
the application it found for a while, never a link carrying the code.

Admin pages (`disclosure.handle`): the queue by state with its deadlines, one
application with the applicant's data in full (for the site's disclosure
officers only; masked for anyone else who holds the permission) and its files
as attachments, and the steps: register, ask for clarification, extend, answer.
"""
from __future__ import annotations

import time
from urllib.parse import quote

from flask import (Blueprint, Response, abort, current_app, flash, g, get_flashed_messages, redirect, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.content.files import STORED_NAME, Upload, download_type, upload_dir
from core.disclosure.applications import (DELIVERY_LABELS, FILES_SUBFOLDER, FORM_LABELS, GROUND_LABELS, KIND_LABELS,
                                          ORGANISATION_LABELS, REPLY_EXPLAINED, REPLY_LABELS, STATE_LABELS,
                                          STEP_LABELS, STEP_OPERATIONS, answer, ask_clarification, clarify, extend,
                                          new_submission_key, note_file_download, register, submit_application)
from core.disclosure.forms_applications import (AnswerForm, ApplyForm, ClarifyForm, ClarifyRequestForm, ExtendForm,
                                                RegisterForm, TrackForm)
from core.disclosure.models_applications import STATES, DisclosureApplication
from core.disclosure.queries_applications import (CLARIFY_WITHIN_DAYS, LIMIT_DAYS, QUEUE_FLAGS, Deadline,
                                                  actor_names, application, calendar_gaps, clarified_late,
                                                  deadlines, file_of, files_of, open_calendar_gaps,
                                                  find_for_applicant, flag_counts, format_tracking_code, has_step,
                                                  history, is_disclosure_officer, is_tracking_code,
                                                  normalise_tracking_code, queue_panel, queue_query, state_counts)
from core.extensions import db, limiter
from core.privacy.masking import mask_for_publication, mask_personal_text
from core.sections.queries import request_sections
from core.web import add_menu_item, add_panel, get_or_404, page_number, route
from core.web.actions import attempt
from core.web.limits import address_key, code_keys
from themes import render_page

bp = Blueprint("disclosure_applications", __name__, template_folder="templates")
ADMIN = "/admin/disclosure/applications"
PER_PAGE = 30
HANDLE = "disclosure.handle"
#: Session keys: the receipt just filed, the application a tracking query found (with when).
RECEIPT_KEY = "disclosure.receipt"
TRACKED_KEY = "disclosure.tracked"
#: How long a receipt and a successful tracking query stay open in the browser that made them.
KEPT_SECONDS = 30 * 60
#: The one answer to a tracking query that finds nothing, whichever of the code and the phone was wrong.
NO_MATCH = _l("No application matches this tracking code and mobile number. Check both and try again.")
DEADLINE_LABELS = {
    "paused": _l("Clock stopped: waiting for the applicant's clarification"),
    "on_time": _l("Answered within the time limit"),
    "late": _l("Answered after the time limit"),
    "none": _l("No time limit"),
    "withdrawn": _l("Closed: not clarified in time"),
}


def deadline_text(deadline: Deadline | None) -> str:
    """Where an application stands against its due date, in words ("" when it has none)."""
    if deadline is None:
        return ""
    if deadline.kind == "overdue":
        return _("Overdue by %(n)s working days", n=deadline.days_over)
    if deadline.kind in ("due_soon", "running"):
        return _("Due today") if deadline.days_left == 0 else _("%(n)s working days left", n=deadline.days_left)
    return str(DEADLINE_LABELS.get(deadline.kind, ""))


@bp.after_request
def _not_kept(response):
    """Pages with an applicant's data or code are kept by no cache, shared or the browser's."""
    if request.endpoint != "disclosure_applications.guide":
        response.headers["Cache-Control"] = "no-store"
    return response


# --- rate limits -------------------------------------------------------------------------------

_address_key = address_key("disclosure")
_code_any_key, _code_key = code_keys("disclosure-code", normalise_tracking_code)


def _apply_limit() -> str:
    return current_app.config["DISCLOSURE_APPLY_RATE_LIMIT"]


def _track_limit() -> str:
    return current_app.config["DISCLOSURE_TRACK_RATE_LIMIT"]


def _track_code_limit() -> str:
    return current_app.config["DISCLOSURE_TRACK_CODE_RATE_LIMIT"]


def _filed(_response) -> bool:
    """Only a form that filed something counts against the apply limit: one sent back with its problems (a
    mistyped ID number) costs the applicant nothing, as a tracking query that finds the application does not."""
    return bool(g.get("disclosure_filed"))


def _missed(_response) -> bool:
    """Only a query that found nothing counts against the tracking limit."""
    return bool(g.get("disclosure_tracking_missed"))


# --- helpers -----------------------------------------------------------------------------------

def _section():
    """The site's government information disclosure section, for the navigation and the breadcrumb."""
    return next((s for s in request_sections() if s.mandatory_key == "disclosure"), None)


def _held(key: str) -> int | None:
    held = session.get(key)
    if not isinstance(held, dict) or held.get("site") != g.site.id or time.time() - held.get("at", 0) > KEPT_SECONDS:
        session.pop(key, None)
        return None
    return held.get("id")


def _hold(key: str, found: DisclosureApplication) -> None:
    session[key] = {"id": found.id, "site": g.site.id, "at": time.time()}


def _uploads(name: str) -> list[Upload]:
    """The files posted under `name` (a file input that may hold several); an empty input posts none."""
    return [Upload(f.filename or "", f.read(), f.mimetype) for f in request.files.getlist(name) if f and f.filename]


def _send(found: DisclosureApplication, file) -> Response:
    """A file as an attachment: its type from the stored name's extension, never the upload's claim."""
    path = upload_dir(found.tenant_id) / FILES_SUBFOLDER / file.stored_name
    if not STORED_NAME.match(file.stored_name) or not path.is_file():
        abort(404)
    response = Response(path.read_bytes(),
                        mimetype=download_type(file.stored_name))
    if file.filename.isascii():
        response.headers.set("Content-Disposition", "attachment", filename=file.filename)
    else:
        # Old clients read only filename=: give them a name that says what it is, not a bare ".pdf".
        response.headers.set("Content-Disposition", "attachment",
                             filename=f"file-{file.id}.{file.stored_name.rsplit('.', 1)[-1]}",
                             **{"filename*": f"UTF-8''{quote(file.filename, safe='')}"})
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


LABELS = {"state_labels": STATE_LABELS, "reply_labels": REPLY_LABELS, "reply_explained": REPLY_EXPLAINED,
          "ground_labels": GROUND_LABELS, "kind_labels": KIND_LABELS, "organisation_labels": ORGANISATION_LABELS,
          "form_labels": FORM_LABELS, "delivery_labels": DELIVERY_LABELS, "step_labels": STEP_LABELS}


# --- the public's pages ------------------------------------------------------------------------

@route(bp, "/disclosure/request", permission=None)
def guide():
    """依申请公开: who may apply, how, what happens and when; the ways to apply and to check."""
    return render_page("disclosure/application_guide.html", section=_section(), limit_days=LIMIT_DAYS)


@route(bp, "/disclosure/apply", permission=None, methods=("GET", "POST"))
@limiter.limit(_apply_limit, methods=["POST"], key_func=_address_key, deduct_when=_filed)
def apply():
    form = ApplyForm()
    if request.method == "GET":
        form.submission.data = new_submission_key()
    elif form.validate_on_submit():
        key = form.submission.data if 20 <= len(form.submission.data or "") <= 64 else None
        organisation = form.applicant_kind.data == "organisation"
        done, result = attempt(
            submit_application, applicant_kind=form.applicant_kind.data,
            applicant_name=(form.organisation_name.data if organisation else form.applicant_name.data) or "",
            id_number=form.id_number.data or "", organisation_type=form.organisation_type.data or None,
            credit_code=form.credit_code.data or "", legal_representative=form.legal_representative.data or "",
            contact_name=form.contact_name.data or "", phone=form.phone.data, email=form.email.data or "",
            address=form.address.data or "", postcode=form.postcode.data or "",
            description=form.description.data or "", document_number=form.document_number.data or "",
            purpose=form.purpose.data or "", medium=form.form.data, delivery=form.delivery.data,
            uploads=_uploads("files"), submission_key=key, form=form)
        if done:
            found, _created = result
            g.disclosure_filed = True
            db.session.commit()
            _hold(RECEIPT_KEY, found)
            return redirect(url_for("disclosure_applications.receipt"))
    return render_page("disclosure/application_apply.html", form=form, section=_section(), limit_days=LIMIT_DAYS,
                       files_dropped=request.method == "POST" and bool(_uploads("files")))


@route(bp, "/disclosure/receipt", permission=None)
def receipt():
    found = application(_held(RECEIPT_KEY))
    if found is None:
        return redirect(url_for("disclosure_applications.track"))
    return render_page("disclosure/application_receipt.html", application=found, section=_section(),
                       code=format_tracking_code(found.tracking_code), limit_days=LIMIT_DAYS, **LABELS)


@route(bp, "/disclosure/track", permission=None, methods=("GET", "POST"))
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
                g.disclosure_tracking_missed = True
                form.form_errors.append(str(NO_MATCH))
            else:
                _hold(TRACKED_KEY, found)
                return redirect(url_for("disclosure_applications.status"))
    return render_page("disclosure/application_track.html", form=form, section=_section())


def _tracked() -> DisclosureApplication | None:
    return application(_held(TRACKED_KEY))


def _status_page(found: DisclosureApplication, *, clarify_form=None):
    if found.status == "clarifying" and clarify_form is None:
        clarify_form = ClarifyForm(formdata=None)
    return render_page("disclosure/application_status.html", application=found, section=_section(),
                       code=format_tracking_code(found.tracking_code), events=history(found),
                       deadline=deadlines([found])[found.id], clarify_form=clarify_form,
                       reply_files=files_of(found, "reply") if found.status == "answered" else [],
                       messages=get_flashed_messages(with_categories=True), masked=mask_personal_text,
                       own=lambda text: mask_for_publication(text, _names(found)), **LABELS)


def _names(found: DisclosureApplication) -> list[str]:
    """The applicant's names, masked wherever their own texts repeat them on the status page."""
    return [n for n in (found.applicant_name, found.legal_representative, found.contact_name) if n]


@route(bp, "/disclosure/track/status", permission=None)
def status():
    found = _tracked()
    if found is None:
        return redirect(url_for("disclosure_applications.track"))
    return _status_page(found)


@route(bp, "/disclosure/track/clarify", permission=None, methods=("POST",))
@limiter.limit(_apply_limit, methods=["POST"], key_func=_address_key, deduct_when=_filed)
def send_clarification():
    found = _tracked()
    if found is None:
        return redirect(url_for("disclosure_applications.track"))
    if found.status != "clarifying":
        flash(_("This application is not waiting for a clarification any more."), "error")
        return redirect(url_for("disclosure_applications.status"))
    form = ClarifyForm()
    if form.validate_on_submit():
        done, _refusal = attempt(clarify, found, text=form.text.data or "", uploads=_uploads("files"), form=form)
        if done:
            g.disclosure_filed = True
            db.session.commit()
            flash(_("Your clarification has been sent. The time limit for the reply counts again from today."),
                  "success")
            return redirect(url_for("disclosure_applications.status"))
    return _status_page(found, clarify_form=form)


@route(bp, "/disclosure/track/files/<int:file_id>", permission=None)
def reply_file(file_id: int):
    """A file of the reply, to the applicant whose tracking query found the application (and to nobody else)."""
    found = _tracked()
    if found is None or found.status != "answered":
        abort(404)
    file = file_of(found, file_id, "reply")
    if file is None:
        abort(404)
    return _send(found, file)


# --- the officers' pages -----------------------------------------------------------------------

@route(bp, f"{ADMIN}/", permission=HANDLE)
def queue():
    state = request.args.get("state", "open")
    if state not in (*STATES, "open", "all"):
        abort(404)
    flag = request.args.get("flag", "")
    if flag and flag not in QUEUE_FLAGS:
        abort(404)
    search = request.args.get("q", "").strip()[:40]
    if flag or search:
        state = "all"  # a flag or a search looks in every state
    full = is_disclosure_officer(current_user)
    pagination = db.paginate(queue_query(state=state, flag=flag, search=search, by_phone=full), page=page_number(),
                             per_page=PER_PAGE, error_out=False)
    rows = list(pagination.items)
    return render_page("disclosure/admin_applications.html", pagination=pagination, rows=rows,
                       deadlines=deadlines(rows), counts=state_counts(), flags=flag_counts(),
                       filters={"state": state, "flag": flag, "q": search},
                       pager_args={k: v for k, v in {"state": state, "flag": flag, "q": search}.items() if v},
                       deadline_text=deadline_text, code=format_tracking_code, phone_search=full,
                       calendar_gaps=open_calendar_gaps(), late=clarified_late(rows), **LABELS)


def _step_forms(found: DisclosureApplication) -> dict:
    """The forms of the steps the application's state allows, by step key."""
    forms = {}
    if found.status == "submitted":
        forms["register"] = RegisterForm(prefix="register")
        if forms["register"].received_on.data is None and request.method == "GET":
            forms["register"].received_on.data = found.submitted_at.date()
    elif found.status == "registered":
        if not has_step(found, "clarify"):
            forms["clarify"] = ClarifyRequestForm(prefix="clarify")
        if not found.extended_days:
            forms["extend"] = ExtendForm(prefix="extend")
        forms["answer"] = AnswerForm(prefix="answer")
    return forms


def _take(key: str, found: DisclosureApplication, form):
    if key == "register":
        return attempt(register, found, actor=current_user, received_on=form.received_on.data,
                       note=form.note.data or "", form=form)
    if key == "clarify":
        return attempt(ask_clarification, found, actor=current_user, note=form.note.data or "", form=form)
    if key == "extend":
        return attempt(extend, found, actor=current_user, days=form.days.data, reason=form.reason.data or "",
                       form=form)
    return attempt(answer, found, actor=current_user, reply_type=form.reply_type.data, text=form.text.data or "",
                   ground=form.ground.data or None, other_body=form.other_body.data or "",
                   uploads=_uploads("answer-files"), form=form)


STEP_DONE = {
    "register": _l("Registered. The reply is due on the date shown."),
    "clarify": _l("The applicant has been asked to clarify. The clock stands still until the clarification comes."),
    "extend": _l("The time limit has been extended. The applicant reads the reason when checking the application."),
    "answer": _l("Answered. The applicant reads the reply and downloads its files when checking the application."),
}


@route(bp, f"{ADMIN}/<int:disclosure_application_id>", permission=HANDLE, write=HANDLE, methods=("GET", "POST"))
def detail(disclosure_application_id: int):
    found = get_or_404(DisclosureApplication, disclosure_application_id)
    forms = _step_forms(found)
    full = is_disclosure_officer(current_user)
    if request.method == "POST":
        key = request.form.get("step", "")
        form = forms.get(key)
        if form is None or key not in STEP_OPERATIONS:
            flash(_("This step cannot be taken now: the application has moved on. Reload the page."), "error")
            return redirect(url_for("disclosure_applications.detail", disclosure_application_id=found.id))
        if form.validate_on_submit():
            done, _refusal = _take(key, found, form)
            if done:
                db.session.commit()
                flash(str(STEP_DONE[key]), "success")
                return redirect(url_for("disclosure_applications.detail", disclosure_application_id=found.id))
    events = history(found)
    return render_page("disclosure/admin_application.html", application=found, full=full, forms=forms,
                       code=format_tracking_code(found.tracking_code), events=events, names=actor_names(events),
                       deadline=deadlines([found])[found.id], deadline_text=deadline_text,
                       applicant_files=files_of(found, "applicant"), reply_files=files_of(found, "reply"),
                       clarify_within=CLARIFY_WITHIN_DAYS, calendar_gaps=calendar_gaps([found]),
                       late=found.id in clarified_late([found]), **LABELS)


@route(bp, f"{ADMIN}/<int:disclosure_application_id>/files/<int:disclosure_file_id>", permission=HANDLE)
def download(disclosure_application_id: int, disclosure_file_id: int):
    """A file of an application, to the site's disclosure officers only: an applicant's file is personal, and
    each opening of one is audited."""
    found = get_or_404(DisclosureApplication, disclosure_application_id)
    file = file_of(found, disclosure_file_id)
    if file is None:
        abort(404)
    if not is_disclosure_officer(current_user):
        abort(403, description=_("Applicants' files are personal information: only this site's disclosure "
                                 "officers open them."))
    if file.kind == "applicant":
        done, _refusal = attempt(note_file_download, found, file, actor=current_user)
        if not done:
            abort(403)
        db.session.commit()
    return _send(found, file)


def init_app(app) -> None:
    from core.disclosure.views_public import add_column_link

    app.register_blueprint(bp)
    add_column_link("disclosure_applications.guide", _l("Disclosure on application"), order=50)
    add_menu_item(app, "site", "disclosure_applications.queue", _l("Applications for disclosure"), HANDLE, order=46)
    add_panel(app, "site", "disclosure/admin_applications_panel.html", queue_panel, HANDLE, order=16)
