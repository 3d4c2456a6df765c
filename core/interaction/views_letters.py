"""Letters: the public writes, queries, adds information and rates; officers handle them; the public reads replies.

Public pages (a site's host, open to anyone): the interaction section (the
mailboxes with their rules), the write form of a mailbox, the receipt, the
query (code + mobile) and what the writer may do with the letter it finds
(add the information asked for, rate the reply), and the published letters
(来信选登). None of them shows personal data; the query answers a wrong code
and a wrong mobile alike, and wrong tries are rate-limited per address, per
code from one address (so a stranger who knows a code does not lock its
writer out), and, more loosely, per code from all addresses (against guessing
spread over many addresses). The writer's way back to a letter is the query only: the session
remembers the letter it found (for a while), never a link that carries the code.

Admin pages: the queue by state with deadlines (`interaction.view`: the
officers, and the site's administrator with writers' data masked), one
letter with the steps its state allows (its officers only), its attachment
(officers only, always as a download), and the mailboxes' setup (the site's
administrator). The console sets the platform's reply limit.
"""
from __future__ import annotations

import time
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    get_flashed_messages,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from core.content.files import STORED_NAME, Upload, download_type, upload_dir
from core.content.queries import section_page as article_page
from core.extensions import db, limiter
from core.forms import ActionForm
from core.interaction import letters
from core.interaction.forms_letters import (
    AddInfoForm,
    AssignForm,
    ForwardForm,
    MailboxForm,
    NotAcceptForm,
    NoteForm,
    OptionsForm,
    PlatformLettersForm,
    PublishedSearchForm,
    PublishForm,
    QueryForm,
    RatingForm,
    ReplyForm,
    WriteForm,
)
from core.interaction.labels import (
    ACTION_LABELS,
    HOLD_LABELS,
    KIND_LABELS,
    KIND_PURPOSES,
    NOT_ACCEPTED_LABELS,
    PUBLIC_STATE,
    RATING_LABELS,
    STATE_LABELS,
)
from core.interaction.letters import (
    FILES_SUBFOLDER,
    add_info,
    approve_reply,
    assign,
    forward_letter,
    masked_version,
    new_submission_key,
    not_accept,
    note_attachment_download,
    publication_problem,
    publish_letter,
    rate,
    release,
    reply,
    request_info,
    send_back,
    set_platform_reply_days,
    set_review_replies,
    submit_letter,
    unpublish_letter,
    update_mailbox,
)
from core.interaction.lines import letter_lines
from core.interaction.models import LETTER_STATES, MAILBOX_KINDS, Letter
from core.interaction.queries_letters import (
    OPEN_STATES,
    QUEUE_FLAGS,
    Deadline,
    deadlines,
    find_for_writer,
    flag_counts,
    follow_forwarded,
    format_query_code,
    forward_targets,
    history,
    is_interaction_officer,
    is_query_code,
    mailbox,
    mailboxes,
    may_see_personal_data,
    normalise_query_code,
    officers,
    platform_reply_days,
    published_by_section,
    published_counts,
    published_letter,
    published_of,
    published_query,
    queue_panel,
    queue_query,
    review_in_force,
    review_replies,
    site_of,
    state_counts,
    user_names,
    warning_cutoff,
)
from core.privacy.masking import mask_for_publication
from core.sections.models import Section
from core.sections.pages import section_page
from core.sections.queries import add_item_counter, request_sections
from core.services.fields import file_hint
from core.web import add_menu_item, add_panel, cached_page, get_or_404, page_number, route
from core.web.actions import attempt
from core.web.limits import address_key, code_keys
from themes import render_page, site_url

bp = Blueprint("interaction_letters", __name__, template_folder="templates")
ADMIN = "/admin/interaction/letters"
PER_PAGE = 30
PUBLISHED_PER_PAGE = 15
#: Session keys: the receipt just given, the letter a query found (with when).
RECEIPT_KEY = "interaction.receipt"
FOUND_KEY = "interaction.found"
#: How long a receipt and a successful query stay open in the browser that made them.
KEPT_SECONDS = 30 * 60
#: The one answer to a query that finds nothing, whichever of the code and the mobile was wrong.
NO_MATCH = _l("No letter matches this query code and mobile number. Check both and try again.")
#: The pages that carry a writer's letter or code are kept by no cache.
PRIVATE_ENDPOINTS = {"write", "receipt", "query", "query_letter", "query_info", "query_rating", "queue", "detail",
                     "attachment", "mailboxes_page", "platform_settings"}


@bp.after_request
def _not_kept(response):
    if request.endpoint and request.endpoint.split(".")[-1] in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def deadline_text(deadline: Deadline | None) -> str:
    """Where a letter stands against its due date, in words."""
    if deadline is None:
        return ""
    if deadline.kind == "overdue":
        return _("Overdue by %(n)s working days", n=deadline.days_over)
    if deadline.kind in ("due_soon", "running"):
        return _("Due today") if deadline.days_left == 0 else _("%(n)s working days left", n=deadline.days_left)
    return str(DEADLINE_LABELS.get(deadline.kind, ""))


DEADLINE_LABELS = {
    "paused": _l("Clock stopped: waiting for the writer"),
    "on_time": _l("Replied within the limit"),
    "late": _l("Replied after the limit"),
    "closed": "",
}


# --- rate limits -------------------------------------------------------------------------------

_address_key = address_key("letters")
_code_any_key, _code_key = code_keys("letter-code", normalise_query_code)


def _write_limit() -> str:
    return current_app.config["LETTERS_WRITE_RATE_LIMIT"]


def _query_limit() -> str:
    return current_app.config["LETTERS_QUERY_RATE_LIMIT"]


def _code_limit() -> str:
    return current_app.config["LETTERS_QUERY_CODE_RATE_LIMIT"]


def _missed(_response) -> bool:
    """Only a query that found nothing counts against the query limit."""
    return bool(g.get("letters_query_missed"))


# --- helpers -----------------------------------------------------------------------------------

def _section() -> Section | None:
    """The site's interaction section (互动交流), for the navigation and the breadcrumb."""
    return next((s for s in request_sections() if s.kind == "interaction"), None)


def _held(key: str) -> int | None:
    held = session.get(key)
    if not isinstance(held, dict) or held.get("site") != g.site.id or time.time() - held.get("at", 0) > KEPT_SECONDS:
        session.pop(key, None)
        return None
    return held.get("id")


def _hold(key: str, letter: Letter) -> None:
    session[key] = {"id": letter.id, "site": g.site.id, "at": time.time()}


def _letter(letter_id: int | None) -> Letter | None:
    if letter_id is None:
        return None
    return db.session.execute(select(Letter).where(Letter.id == letter_id)).scalar_one_or_none()


def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "kind_purposes": KIND_PURPOSES, "state_labels": STATE_LABELS,
            "rating_labels": RATING_LABELS, "not_accepted_labels": NOT_ACCEPTED_LABELS, "hold_labels": HOLD_LABELS,
            "action_labels": ACTION_LABELS, "public_state": lambda s: PUBLIC_STATE.get(s, s)}


# --- the public: the section, writing -----------------------------------------------------------

@section_page("interaction")
def interaction_section(section: Section, children: list[Section]):
    """互动交流: the mailboxes with their rules and reply limits, the query, the published letters."""
    page = page_number()
    pagination = article_page(section, page, current_app.config["PAGE_SIZE"])
    if page > 1 and page > (pagination.pages or 1):
        abort(404)
    recent = db.paginate(published_query(), page=1, per_page=5, error_out=False).items
    return render_page("interaction/letter_section.html", section=section, children=children,
                       boxes=[m for m in mailboxes() if m.enabled], recent=recent, counts=published_counts(),
                       page=page, pagination=pagination, **_labels())


@route(bp, "/interaction/write/<kind>", permission=None, methods=("GET", "POST"))
@limiter.limit(_write_limit, methods=["POST"], key_func=_address_key)
def write(kind: str):
    box = mailbox(kind) if kind in MAILBOX_KINDS else None
    if box is None:
        abort(404)
    if not box.enabled:  # a closed mailbox's link (bookmarked, printed) says so and points to the open ones
        return render_page("interaction/letter_closed.html", box=box, boxes=[m for m in mailboxes() if m.enabled],
                           section=_section(), **_labels())
    form = WriteForm()
    form.attachment.description = file_hint(letters.ATTACHMENT)  # in the request's language
    if request.method == "GET":
        form.submission.data = new_submission_key()
        if kind == "report":
            form.may_publish.data = "no"
    elif form.validate_on_submit():
        key = form.submission.data if 20 <= len(form.submission.data or "") <= 64 else None
        upload = getattr(form.attachment, "upload", None)
        done, result = attempt(submit_letter, kind, subject=form.subject.data, body=form.body.data,
                               writer_name=form.writer_name.data, phone=form.phone.data,
                               email=form.email.data or "", may_publish=form.may_publish.data == "yes",
                               upload=upload if isinstance(upload, Upload) else None, submission_key=key, form=form)
        if done:
            letter, _created = result
            db.session.commit()
            _hold(RECEIPT_KEY, letter)
            return redirect(url_for("interaction_letters.receipt"))
    return render_page("interaction/letter_write.html", form=form, box=box, section=_section(),
                       file_dropped=request.method == "POST" and bool(request.files.get("attachment")
                                                                      and request.files["attachment"].filename),
                       **_labels())


@route(bp, "/interaction/receipt", permission=None)
def receipt():
    letter = _letter(_held(RECEIPT_KEY))
    if letter is None:
        return redirect(url_for("interaction_letters.query"))
    return render_page("interaction/letter_receipt.html", letter=letter, code=format_query_code(letter.query_code),
                       section=_section(), **_labels())


# --- the public: the query ---------------------------------------------------------------------

@route(bp, "/interaction/query", permission=None, methods=("GET", "POST"))
@limiter.limit(_query_limit, methods=["POST"], key_func=_address_key, deduct_when=_missed)
@limiter.limit(_query_limit, methods=["POST"], key_func=_code_key, deduct_when=_missed)
@limiter.limit(_code_limit, methods=["POST"], key_func=_code_any_key, deduct_when=_missed)
def query():
    form = QueryForm()
    if request.method == "GET":
        session.pop(FOUND_KEY, None)
    elif form.validate_on_submit():
        code = normalise_query_code(form.code.data)
        if not is_query_code(code):
            form.code.errors.append(_("A query code has 12 letters and digits, as on your receipt."))
        else:
            found = find_for_writer(code, form.phone.data)
            if found is None:
                g.letters_query_missed = True
                form.form_errors.append(str(NO_MATCH))
            else:
                _hold(FOUND_KEY, found)
                return redirect(url_for("interaction_letters.query_letter"))
    return render_page("interaction/letter_query.html", form=form, section=_section())


def _found() -> Letter | None:
    return _letter(_held(FOUND_KEY))


def _letter_page(letter: Letter, *, info_form=None, rating_form=None, status: int = 200):
    if letter.status == "info_requested" and info_form is None:
        info_form = AddInfoForm(formdata=None)
    if letter.status == "replied" and letter.replied_at and letter.rating is None and rating_form is None:
        rating_form = RatingForm(formdata=None)
    hops = follow_forwarded(letter) if letter.status == "forwarded" else []
    return render_page("interaction/letter_status.html", letter=letter, code=format_query_code(letter.query_code),
                       events=history(letter, public_only=True), deadline=deadlines([letter])[letter.id],
                       hops=hops, info_form=info_form, rating_form=rating_form, section=_section(),
                       messages=get_flashed_messages(with_categories=True), masked=mask_for_publication,
                       site_url=site_url, **_labels()), status


@route(bp, "/interaction/query/letter", permission=None)
def query_letter():
    letter = _found()
    if letter is None:
        return redirect(url_for("interaction_letters.query"))
    return _letter_page(letter)


@route(bp, "/interaction/query/info", permission=None, methods=("POST",))
@limiter.limit(_write_limit, methods=["POST"], key_func=_address_key)
def query_info():
    letter = _found()
    if letter is None:
        return redirect(url_for("interaction_letters.query"))
    form = AddInfoForm()
    if letter.status != "info_requested":
        flash(_("This letter is not waiting for more information any more."), "error")
        return redirect(url_for("interaction_letters.query_letter"))
    if form.validate_on_submit():
        done, _result = attempt(add_info, letter, text=form.text.data, form=form)
        if done:
            db.session.commit()
            flash(_("What you added has been sent. The time the letter waited for you does not count against its "
                    "reply limit."), "success")
            return redirect(url_for("interaction_letters.query_letter"))
    return _letter_page(letter, info_form=form)


@route(bp, "/interaction/query/rating", permission=None, methods=("POST",))
@limiter.limit(_write_limit, methods=["POST"], key_func=_address_key)
def query_rating():
    letter = _found()
    if letter is None:
        return redirect(url_for("interaction_letters.query"))
    form = RatingForm()
    if letter.status != "replied" or letter.rating is not None:
        return redirect(url_for("interaction_letters.query_letter"))
    if form.validate_on_submit():
        done, _result = attempt(rate, letter, rating=form.rating.data, form=form)
        if done:
            db.session.commit()
            flash(_("Thank you for your rating."), "success")
            return redirect(url_for("interaction_letters.query_letter"))
    return _letter_page(letter, rating_form=form)


# --- the public: letters and replies (来信选登) -------------------------------------------------

@route(bp, "/interaction/letters", permission=None)
@cached_page
def published():
    form = PublishedSearchForm(request.args)
    search = form.q.data if form.validate() else ""
    kind = request.args.get("kind", "")
    if kind and kind not in MAILBOX_KINDS:
        abort(404)
    page = page_number()
    pagination = db.paginate(published_query(search or "", kind), page=page, per_page=PUBLISHED_PER_PAGE,
                             error_out=False)
    if page > 1 and page > (pagination.pages or 1):
        abort(404)
    return render_page("interaction/letter_published.html", pagination=pagination, form=form, search=search or "",
                       kind=kind, counts=published_counts(), section=_section(),
                       pager_args={k: v for k, v in {"q": search, "kind": kind}.items() if v}, **_labels())


@route(bp, "/interaction/letters/<int:published_id>", permission=None)
@cached_page
def published_one(published_id: int):
    found = published_letter(published_id)
    if found is None:
        abort(404)
    return render_page("interaction/letter_published_one.html", letter=found, section=_section(), **_labels())


# --- the officers ------------------------------------------------------------------------------

@route(bp, f"{ADMIN}/", permission="interaction.view")
def queue():
    state = request.args.get("state", "open")
    if state not in (*LETTER_STATES, "open", "all"):
        abort(404)
    flag = request.args.get("flag", "")
    if flag and flag not in QUEUE_FLAGS:
        abort(404)
    kind = request.args.get("kind", "")
    if kind and kind not in MAILBOX_KINDS:
        abort(404)
    search = request.args.get("q", "").strip()[:40]
    if flag or search:
        state = "all"
    full = may_see_personal_data(current_user)
    pagination = db.paginate(queue_query(state=state, flag=flag, kind=kind, search=search, user=current_user,
                                         by_phone=full), page=page_number(), per_page=PER_PAGE, error_out=False)
    rows = list(pagination.items)
    warning_months = letter_lines().warning_months
    return render_page("interaction/admin_letters.html", pagination=pagination, rows=rows, deadlines=deadlines(rows),
                       counts=state_counts(), flags=flag_counts(current_user),
                       officer_names=user_names(r.assigned_to_id for r in rows),
                       filters={"state": state, "flag": flag, "kind": kind, "q": search},
                       pager_args={k: v for k, v in {"state": state, "flag": flag, "kind": kind,
                                                     "q": search}.items() if v},
                       deadline_text=deadline_text, code=format_query_code, full=full,
                       open_states=OPEN_STATES, warning_cutoff=warning_cutoff(months=warning_months),
                       warning_months=warning_months, **_labels())


def _step_forms(letter: Letter) -> dict:
    """The forms of the steps this letter's state allows the signed-in officer, by step key."""
    forms: dict = {}
    if not is_interaction_officer(current_user):
        return forms
    status = letter.status
    if status == "held":
        forms["release"] = ActionForm(prefix="release")
    if status in ("new", "assigned"):
        forms["assign"] = AssignForm(prefix="assign")
        forms["assign"].officer.choices = [(i, name) for i, name in officers()]
        forms["reply"] = ReplyForm(prefix="reply")
        forms["request_info"] = NoteForm(prefix="request_info")
        forms["request_info"].note.label.text = _("What the writer should add")
    drafter = letter.replied_by_id == current_user.id
    if status == "reviewing" and (not drafter or not review_in_force()):
        forms["approve"] = ActionForm(prefix="approve")  # the drafter too, while there is no other officer
    if status == "reviewing" and not drafter:
        forms["send_back"] = NoteForm(prefix="send_back")
        forms["send_back"].note.label.text = _("What should change in the reply")
    if status in ("new", "assigned", "info_requested"):
        forms["forward"] = ForwardForm(prefix="forward")
        forms["forward"].site.choices = [("", _("— choose the department —"))] + \
            [(s.id, s.name_zh) for s in forward_targets(letter.tenant_id)]
    if status in ("held", "new", "assigned", "info_requested"):
        forms["not_accept"] = NotAcceptForm(prefix="not_accept")
    if status == "replied" and publication_problem(letter) is None:
        forms["publish"] = PublishForm(prefix="publish")
        if published_of(letter) is not None:
            forms["unpublish"] = ActionForm(prefix="unpublish")
    return forms


STEP_DONE = {
    "release": _l("Released: the letter is in the queue."),
    "assign": _l("Assigned."),
    "reply": _l("Replied. The writer reads the reply with the query code."),
    "draft": _l("The reply waits for another officer's review."),
    "approve": _l("Approved: the reply has gone out."),
    "send_back": _l("Sent back to the officer who wrote the reply."),
    "request_info": _l("Asked for more information. The clock stands still until the writer adds it."),
    "not_accept": _l("Marked not accepted. The writer reads the reason with the query code."),
    "forward": _l("Forwarded. The letter now waits in the other department's queue; this page keeps the trace."),
    "publish": _l("Published in letters and replies."),
    "unpublish": _l("Taken off the published letters."),
}


def _take(letter: Letter, key: str, form):
    """Call the operation of step `key` with the form's data; return (done, refusal)."""
    if key == "release":
        return attempt(release, letter, actor=current_user, form=form)
    if key == "assign":
        return attempt(assign, letter, actor=current_user, officer_id=form.officer.data, note=form.note.data or "",
                       form=form)
    if key == "reply":
        return attempt(reply, letter, actor=current_user, text=form.reply.data, office=form.office.data, form=form)
    if key == "approve":
        return attempt(approve_reply, letter, actor=current_user, form=form)
    if key == "send_back":
        return attempt(send_back, letter, actor=current_user, note=form.note.data or "", form=form)
    if key == "request_info":
        return attempt(request_info, letter, actor=current_user, note=form.note.data or "", form=form)
    if key == "not_accept":
        return attempt(not_accept, letter, actor=current_user, reason=form.reason.data, note=form.note.data or "",
                       form=form)
    if key == "forward":
        return attempt(forward_letter, letter, actor=current_user, to_site_id=form.site.data,
                       note=form.note.data or "", form=form)
    if key == "publish":
        return attempt(publish_letter, letter, actor=current_user, subject=form.subject.data, body=form.body.data,
                       reply_text=form.reply.data, form=form)
    return attempt(unpublish_letter, letter, actor=current_user, form=form)


@route(bp, f"{ADMIN}/<int:letter_id>", permission="interaction.view", write="interaction.handle",
       methods=("GET", "POST"))
def detail(letter_id: int):
    letter = get_or_404(Letter, letter_id)
    forms = _step_forms(letter)
    if request.method == "POST":
        key = request.form.get("step", "")
        if not is_interaction_officer(current_user):
            abort(403, description=_("Only the site's interaction officers handle letters."))
        if key not in forms:
            flash(_("This step cannot be taken now: the letter has moved on. Reload the page."), "error")
            return redirect(url_for("interaction_letters.detail", letter_id=letter.id))
        form = forms[key]
        if form.validate_on_submit():
            before = letter.status
            done, _refusal = _take(letter, key, form)
            if done:
                db.session.commit()
                shown = "draft" if key == "reply" and letter.status == "reviewing" and before != "reviewing" else key
                flash(str(STEP_DONE[shown]), "success")
                return redirect(url_for("interaction_letters.detail", letter_id=letter.id))
    elif "reply" in forms:
        forms["reply"].office.data = forms["reply"].office.data or letter.reply_office or g.site.name_zh
        if letter.reply and not forms["reply"].reply.data:
            forms["reply"].reply.data = letter.reply  # a draft sent back: the officer edits it
    if "publish" in forms and not (request.method == "POST" and request.form.get("step") == "publish"):
        shown = published_of(letter)
        masked = masked_version(letter) if shown is None else {"subject": shown.subject, "body": shown.body,
                                                               "reply": shown.reply}
        forms["publish"].subject.data = masked["subject"]
        forms["publish"].body.data = masked["body"]
        forms["publish"].reply.data = masked["reply"]
    events = history(letter)
    full = may_see_personal_data(current_user)
    ids = [e.actor_id for e in events] + [letter.assigned_to_id, letter.replied_by_id, letter.reviewed_by_id]
    return render_page("interaction/admin_letter.html", letter=letter, code=format_query_code(letter.query_code),
                       full=full, officer=is_interaction_officer(current_user), events=events, names=user_names(ids),
                       deadline=deadlines([letter])[letter.id], deadline_text=deadline_text, forms=forms,
                       published=published_of(letter), problem=publication_problem(letter),
                       review_on=review_in_force(), forwarded_to=site_of(letter.forwarded_to_id),
                       forwarded_from=site_of(letter.forwarded_from_id), masked=mask_for_publication, **_labels())


@route(bp, f"{ADMIN}/<int:letter_id>/attachment", permission="interaction.handle")
def attachment(letter_id: int):
    """A writer's attachment, to the site's interaction officers only: always a download, its type from its name."""
    letter = get_or_404(Letter, letter_id)
    if not letter.attachment_stored:
        abort(404)
    if not may_see_personal_data(current_user):
        abort(403, description=_("Writers' attachments are personal information: only this site's interaction "
                                 "officers open them."))
    path = upload_dir(letter.tenant_id) / FILES_SUBFOLDER / letter.attachment_stored
    if not STORED_NAME.match(letter.attachment_stored) or not path.is_file():
        abort(404)
    done, _refusal = attempt(note_attachment_download, letter, actor=current_user)
    if not done:
        abort(403)
    db.session.commit()
    response = Response(path.read_bytes(),
                        mimetype=download_type(letter.attachment_stored))
    name = letter.attachment_name or letter.attachment_stored
    if name.isascii():
        response.headers.set("Content-Disposition", "attachment", filename=name)
    else:
        response.headers.set("Content-Disposition", "attachment",
                             filename=f"letter-{letter.id}.{letter.attachment_stored.rsplit('.', 1)[-1]}",
                             **{"filename*": f"UTF-8''{quote(name, safe='')}"})
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the site's administrator: mailboxes; the bureau: the limit -----------------------------------

@route(bp, "/admin/interaction/mailboxes", permission="site.view", write="site.settings.manage",
       methods=("GET", "POST"))
def mailboxes_page():
    boxes = mailboxes()
    forms = {}
    for box in boxes:
        form = MailboxForm(prefix=box.kind)
        if request.method == "GET" or request.form.get("mailbox") != box.kind:
            form = MailboxForm(prefix=box.kind, formdata=None, data={"enabled": box.enabled, "rules": box.own_rules,
                                                                      "reply_days": box.reply_days})
        forms[box.kind] = form
    options = OptionsForm(prefix="options")
    if request.method == "GET" or request.form.get("mailbox") != "options":
        options = OptionsForm(prefix="options", formdata=None, data={"review_replies": review_replies()})
    if request.method == "POST":
        chosen = request.form.get("mailbox", "")
        if chosen == "options" and options.validate_on_submit():
            done, _r = attempt(set_review_replies, actor=current_user, on=options.review_replies.data, form=options)
            if done:
                db.session.commit()
                flash(_("Saved."), "success")
                return redirect(url_for("interaction_letters.mailboxes_page"))
        elif chosen in forms:
            form = forms[chosen]
            if form.validate_on_submit():
                done, _r = attempt(update_mailbox, chosen, actor=current_user, enabled=form.enabled.data,
                                   rules=form.rules.data or "", reply_days=form.reply_days.data, form=form)
                if done:
                    db.session.commit()
                    flash(_("Saved."), "success")
                    return redirect(url_for("interaction_letters.mailboxes_page"))
        elif chosen not in forms and chosen != "options":
            abort(400)
    return render_page("interaction/admin_mailboxes.html", boxes=boxes, forms=forms, options=options,
                       platform_days=platform_reply_days(), officer_count=len(officers()),
                       review_short=review_replies() and not review_in_force(), **_labels())


@route(bp, "/platform/interaction/letters", permission="platform.view", write="platform.manage", host="platform",
       methods=("GET", "POST"))
def platform_settings():
    form = PlatformLettersForm()
    if request.method == "GET":
        form.reply_days.data = platform_reply_days()
    elif form.validate_on_submit():
        done, _r = attempt(set_platform_reply_days, form.reply_days.data, actor=current_user, form=form)
        if done:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("interaction_letters.platform_settings"))
    return render_page("interaction/platform_letters.html", form=form)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals.update(letter_state_label=lambda s: str(STATE_LABELS.get(s, s)),
                                 mailbox_label=lambda k: str(KIND_LABELS.get(k, k)),
                                 letter_lines=letter_lines)  # the early-warning and veto lines, for the words
    add_menu_item(app, "site", "interaction_letters.queue", _l("Letters"), "interaction.view", order=46)
    add_menu_item(app, "site", "interaction_letters.mailboxes_page", _l("Mailboxes"), "site.settings.manage",
                  order=47)
    add_menu_item(app, "platform", "interaction_letters.platform_settings", _l("Letters"), "platform.view", order=55)
    add_panel(app, "site", "interaction/admin_letters_panel.html", queue_panel, "interaction.handle", order=16)
    add_item_counter(published_by_section, published=published_by_section)
