"""Applications, the changes: filing one, the officers' steps, correction and resubmission, rating, follow-up.

Every function is an operation (`@audited`): it checks the rules, writes,
records its audit entry and an `ApplicationEvent` (the history the applicant
and the officers read), flushes, never commits. The audit log names the
application by its number and item, never the applicant or the tracking code:
the site's administrators read it, and they do not see personal data.

The life of an application (the Administrative Licensing Law's 受理 / 补正 /
不予受理 / 准予 / 不予许可 / 办结)::

    submitted ──accept──▶ accepted ──approve──▶ approved ──complete──▶ completed
        │  ▲                 └──────refuse───▶ refused  ──complete──┘
        │  └─resubmit (the applicant)── returned ◀──return for correction──┘(from submitted)
        └──not accept──▶ not_accepted

The due date is the item's promised limit in working days counted from the
day after submission; the working days an application spends back with the
applicant for correction move it on by as many working days.
"""
from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.audit.log import record
from core.auth.permissions import can
from core.content.files import Upload, write_upload
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.privacy.checks import id_number_problem, is_mobile, normalise_id_number, normalise_mobile
from core.privacy.crypto import personal_folder
from core.services.feedback import PROBLEMS, is_poor
from core.services.fields import SENSITIVE_TYPES, FieldSpec, file_problem
from core.services.models import RATINGS, Application, ApplicationEvent, ApplicationFile, Feedback
from core.services.queries_applications import (TRACKING_ALPHABET, TRACKING_LENGTH, ApplyItem, answers_of,
                                                by_submission_key, feedback_of, files_of, is_service_officer,
                                                last_returned_at, phone_lookup)
from core.text import text_problem
from core.timeutil import now
from core.workdays.queries import add_working_days, working_days_between

#: Where applicants' materials are kept, inside the site's upload folder (apart from published attachments).
FILES_SUBFOLDER = personal_folder("applications")
#: Longest note an officer writes to the applicant, legal basis, applicant's note, rating comment.
NOTE_LIMIT = 2000
BASIS_LIMIT = 1000
APPLICANT_NOTE_LIMIT = 500
COMMENT_LIMIT = 1000
NAME_LIMIT = 100


class ApplicationError(OperationError):
    """An application or a step refused, with what is wrong (under a field when there is one)."""


@read_only
def new_tracking_code() -> str:
    """A random code of 12 characters from a 31-character alphabet (about 59 bits): not guessable, not sequential."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


@read_only
def new_submission_key() -> str:
    """The random key a form page carries, so that posting it twice files one application."""
    return secrets.token_urlsafe(24)


def _must_be_officer(actor) -> None:
    """Only one of the site's own service officers handles an application (not every holder of the permission:
    the bureau's administrators hold all of a site's permissions, and see its applicants' data masked)."""
    if not (can(actor, "services.handle") and is_service_officer(actor)):
        raise OperationForbidden(_l("Only the site's service officers handle applications."))


def _target(application: Application) -> str:
    return f"#{application.id}"


def _item_name(application: Application) -> str:
    from core.services.queries_applications import item_for_application

    return item_for_application(application).name


def _event(application: Application, from_status: str | None, moment, note: str = "", actor=None) -> None:
    db.session.add(ApplicationEvent(application_id=application.id, at=moment, from_status=from_status,
                                    to_status=application.status, note=note,
                                    actor_id=actor.id if actor is not None else None))


def _check_text(problems: dict, field: str, value: str, *, limit: int, multiline: bool = True,
                required_message=None) -> str:
    value = (value or "").strip()
    if not value and required_message is not None:
        problems[field] = str(required_message)
        return value
    problem = text_problem(value, multiline=multiline, max_length=limit)
    if problem:
        problems[field] = problem
    return value


def _store_files(application: Application, specs: list[FieldSpec], uploads: dict[str, Upload]) -> list[str]:
    """Write the uploaded files (checked again against their field) and add their rows; return their keys."""
    by_key = {s.key: s for s in specs if s.type == "file"}
    problems = {}
    for key, upload in uploads.items():
        spec = by_key.get(key)
        problem = "unknown field" if spec is None else file_problem(spec, upload.filename, upload.data)
        if problem:
            problems[f"f_{key}"] = problem
    if problems:
        raise ApplicationError(problems)
    for key, upload in uploads.items():
        entry = write_upload(upload, subfolder=FILES_SUBFOLDER)
        db.session.add(ApplicationFile(application_id=application.id, field_key=key, filename=entry["filename"],
                                       stored_name=entry["stored_name"], content_type=entry["content_type"],
                                       size=entry["size"]))
    return list(uploads)


def _check_answers(specs: list[FieldSpec], answers: dict[str, str]) -> dict[str, str]:
    """Only the item's own non-file fields, each a text no column refuses (the form checked the rest)."""
    known = {s.key: s for s in specs if s.type != "file"}
    problems, kept = {}, {}
    for key, value in answers.items():
        spec = known.get(key)
        if spec is None:
            continue
        value = str(value)
        problem = text_problem(value, multiline=spec.type == "textarea", max_length=5000)
        if problem:
            problems[f"f_{key}"] = problem
        kept[key] = value
    for spec in known.values():
        if spec.required and not kept.get(spec.key):
            problems[f"f_{spec.key}"] = str(_l("Fill this in."))
    if problems:
        raise ApplicationError(problems)
    return kept


# --- filing ------------------------------------------------------------------------------------

def _same_sender(application: Application, phone: str) -> bool:
    """Whether a post that repeats a form's key comes from the one who sent it (the same mobile number)."""
    return bool(phone) and is_mobile(phone) and hmac.compare_digest(application.phone_hash, phone_lookup(phone))


def _sent_again(application: Application, target: ApplyItem) -> Application:
    """The same form posted again: nothing new is filed; the log says it came twice (a double click, a reload)."""
    record("application.submit_again", _target(application), item=target.name)
    return application


@audited
def submit_application(target: ApplyItem, *, applicant_name: str, id_number: str, phone: str, email: str = "",
                       answers: dict[str, str], uploads: dict[str, Upload],
                       submission_key: str | None = None) -> tuple[Application, bool]:
    """File an application for an item open online; return it, and whether it is new.

    A form posted again with the same `submission_key` and the same mobile
    number (a double click, a reload of the page that was sending) files
    nothing and returns the application the first post filed; the key with
    another number files a new application (a key is no way into someone
    else's receipt). Everything is checked before anything is written; a
    refusal leaves no row and no file behind.

    :raises ApplicationError: with the problems by field name of the apply form.
    """
    if submission_key:
        earlier = by_submission_key(submission_key)
        if earlier is not None and _same_sender(earlier, phone):
            return _sent_again(earlier, target), False
        if earlier is not None:
            submission_key = None  # a key copied into another person's post opens nothing of theirs
    problems: dict[str, str] = {}
    name = _check_text(problems, "applicant_name", applicant_name, limit=NAME_LIMIT, multiline=False,
                       required_message=_l("Give your name as on your ID card."))
    if not id_number or id_number_problem(id_number):
        problems["id_number"] = str(_l("Give a valid 18-character ID number."))
    if not phone or not is_mobile(phone):
        problems["phone"] = str(_l("Give a mobile number: you will need it to check your application."))
    email = (email or "").strip()
    if email:
        _check_text(problems, "email", email, limit=254, multiline=False)
    try:
        kept = _check_answers(target.fields, answers)
    except ApplicationError as error:
        problems.update(error.problems)
        kept = {}
    for spec in target.fields:
        if spec.type == "file" and spec.required and spec.key not in uploads:
            problems[f"f_{spec.key}"] = str(_l("Choose the file to upload."))
    if problems:
        raise ApplicationError(problems)
    moment = now()
    due_on = add_working_days(moment.date(), target.promised_days) if target.promised_days is not None else None
    for _attempt in range(5):
        application = Application(item_id=target.id, tracking_code=new_tracking_code(), applicant_name=name,
                                  id_number=normalise_id_number(id_number), phone=normalise_mobile(phone),
                                  phone_hash=phone_lookup(phone), email=email or None,
                                  answers=json.dumps(kept, ensure_ascii=False), status="submitted",
                                  submitted_at=moment, due_on=due_on, submission_key=submission_key)
        try:
            with db.session.begin_nested():
                db.session.add(application)
                db.session.flush()
            break
        except IntegrityError:
            # The same form was filed meanwhile by a request that committed first, or (once in
            # billions) the code was taken: the first finds that application, the second draws again.
            if submission_key:
                earlier = by_submission_key(submission_key)
                if earlier is not None and _same_sender(earlier, phone):
                    return _sent_again(earlier, target), False
                if earlier is not None:
                    submission_key = None
    else:  # pragma: no cover - five codes taken in a row
        raise ApplicationError(_l("The application could not be filed just now; send it again."))
    _store_files(application, target.fields, uploads)
    _event(application, None, moment)
    record("application.submit", _target(application), item=target.name, files=len(uploads))
    return application, True


# --- the officers' steps -----------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    key: str
    sources: tuple[str, ...]
    target: str
    label: object
    #: What the note is called on this step, when it needs one (None: optional, "comment to the applicant").
    note_label: object | None = None
    needs_basis: bool = False


STEPS = {
    "accept": Step("accept", ("submitted",), "accepted", _l("Accept")),
    "return": Step("return", ("submitted",), "returned", _l("Return for correction"),
                   _l("What the applicant must correct or add")),
    "not_accept": Step("not_accept", ("submitted",), "not_accepted", _l("Do not accept"),
                       _l("Why it is not accepted")),
    "approve": Step("approve", ("accepted",), "approved", _l("Approve")),
    "refuse": Step("refuse", ("accepted",), "refused", _l("Refuse"), _l("Why it is refused"), needs_basis=True),
    "complete": Step("complete", ("approved", "refused"), "completed", _l("Complete")),
}


@read_only
def available_steps(application: Application) -> list[Step]:
    return [s for s in STEPS.values() if application.status in s.sources]


def _claim(application: Application, before: str, target: str, moment) -> None:
    """Move the stored state from `before` to `target` in one conditional UPDATE, or refuse.

    Two officers (or one double click) taking a step at once both read the same state; only the first
    UPDATE finds the row still in it, so the other is refused instead of recording the step twice.

    :raises ApplicationError: when the stored state is no longer `before`.
    """
    claimed = db.session.execute(
        update(Application).where(Application.id == application.id, Application.status == before)
        .values(status=target, updated_at=moment).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise ApplicationError(_l("This step cannot be taken now: the application has moved on. Reload the page."))
    application.status = target


def _take(application: Application, key: str, *, actor, note: str, legal_basis: str = "") -> str:
    """Check and make one step; return the state it left. The caller records the audit entry."""
    step = STEPS[key]
    _must_be_officer(actor)
    if application.status not in step.sources:
        raise ApplicationError(_l("This step cannot be taken now: the application has moved on. Reload the page."))
    problems: dict[str, str] = {}
    note = _check_text(problems, "note", note, limit=NOTE_LIMIT,
                       required_message=_l("Say this to the applicant: it is what they will read.")
                       if step.note_label else None)
    basis = _check_text(problems, "legal_basis", legal_basis, limit=BASIS_LIMIT,
                        required_message=_l("Give the legal basis of the refusal (the law and its article).")
                        if step.needs_basis else None)
    if problems:
        raise ApplicationError(problems)
    moment = now()
    before = application.status
    _claim(application, before, step.target, moment)
    if step.note_label:  # what to correct, or why not: kept on the application; other notes are the event's
        application.officer_note = note
    if step.needs_basis:
        application.legal_basis = basis
    if key == "accept":
        application.accepted_at = moment
    elif key in ("approve", "refuse", "not_accept"):
        application.decided_at = moment
    elif key == "complete":
        application.completed_at = moment
    application.updated_at = moment
    _event(application, before, moment, note if not step.needs_basis else f"{note}\n{basis}".strip(), actor)
    return before


@audited
def accept(application: Application, *, actor, note: str = "") -> None:
    """受理: the application is complete and the office takes it on."""
    before = _take(application, "accept", actor=actor, note=note)
    record("application.accept", _target(application), item=_item_name(application), **{"from": before,
                                                                                         "to": application.status})


@audited
def return_for_correction(application: Application, *, actor, note: str) -> None:
    """补正: back to the applicant, saying what to correct or add; the clock stands still until it comes back."""
    before = _take(application, "return", actor=actor, note=note)
    record("application.return", _target(application), item=_item_name(application), **{"from": before,
                                                                                         "to": application.status})


@audited
def not_accept(application: Application, *, actor, note: str) -> None:
    """不予受理: refused at the door (not this office's, not within the law's scope), with the reason."""
    before = _take(application, "not_accept", actor=actor, note=note)
    record("application.not_accept", _target(application), item=_item_name(application),
           **{"from": before, "to": application.status})


@audited
def approve(application: Application, *, actor, note: str = "") -> None:
    """准予: the decision grants what was asked."""
    before = _take(application, "approve", actor=actor, note=note)
    record("application.approve", _target(application), item=_item_name(application), **{"from": before,
                                                                                          "to": application.status})


@audited
def refuse(application: Application, *, actor, note: str, legal_basis: str) -> None:
    """不予许可: the decision refuses, with the reason and its legal basis (the applicant's right to appeal)."""
    before = _take(application, "refuse", actor=actor, note=note, legal_basis=legal_basis)
    record("application.refuse", _target(application), item=_item_name(application), **{"from": before,
                                                                                         "to": application.status})


@audited
def complete(application: Application, *, actor, note: str = "") -> None:
    """办结: the decision has been served (the certificate or the written refusal handed over or sent)."""
    before = _take(application, "complete", actor=actor, note=note)
    record("application.complete", _target(application), item=_item_name(application),
           **{"from": before, "to": application.status})


#: An application's state as the applicant and the officers read it.
STATE_LABELS = {
    "submitted": _l("Waiting to be accepted"),
    "returned": _l("Returned for correction"),
    "accepted": _l("Accepted, being handled"),
    "not_accepted": _l("Not accepted"),
    "approved": _l("Approved"),
    "refused": _l("Refused"),
    "completed": _l("Completed"),
}
#: What the officer is told after each step.
STEP_DONE = {
    "accept": _l("Accepted. The applicant sees it when checking the application."),
    "return": _l("Returned for correction. The clock stands still until the applicant sends it back."),
    "not_accept": _l("Marked not accepted. The applicant reads the reason when checking the application."),
    "approve": _l("Approved. Complete it once the decision has been handed over or sent."),
    "refuse": _l("Refused. Complete it once the written decision has been handed over or sent."),
    "complete": _l("Completed. The applicant can now rate how it was handled."),
}

#: Each step's operation, for the views.
STEP_OPERATIONS = {"accept": accept, "return": return_for_correction, "not_accept": not_accept,
                   "approve": approve, "refuse": refuse, "complete": complete}


# --- the applicant's correction ----------------------------------------------------------------

@audited
def resubmit(application: Application, specs: list[FieldSpec], *, answers: dict[str, str],
             uploads: dict[str, Upload], note: str = "") -> None:
    """The applicant sends a returned application back corrected (found by tracking code and phone).

    New answers replace the old; a new file for a material replaces the old one
    (kept for the record, marked superseded). The due date moves on by the
    working days the application spent with the applicant.
    """
    if application.status != "returned":
        raise ApplicationError(_l("This application is not waiting for a correction."))
    problems: dict[str, str] = {}
    note = _check_text(problems, "note", note, limit=APPLICANT_NOTE_LIMIT)
    # Personal answers are not shown back on the public page: left empty, they keep what was sent.
    sent = answers_of(application)
    answers = {**{s.key: sent[s.key] for s in specs if s.type in SENSITIVE_TYPES and sent.get(s.key)},
               **{k: v for k, v in answers.items() if v not in ("", None)}}
    try:
        kept = _check_answers(specs, answers)
    except ApplicationError as error:
        problems.update(error.problems)
        kept = {}
    have = {f.field_key for f in files_of(application, current_only=True)}
    for spec in specs:
        if spec.type == "file" and spec.required and spec.key not in uploads and spec.key not in have:
            problems[f"f_{spec.key}"] = str(_l("Choose the file to upload."))
    if problems:
        raise ApplicationError(problems)
    moment = now()
    returned_at = last_returned_at(application)
    paused = working_days_between(returned_at.date(), moment.date()) if returned_at else 0
    if application.due_on is not None and paused:
        application.due_on = add_working_days(application.due_on, paused)
    for old in files_of(application, current_only=True):
        if old.field_key in uploads:
            old.superseded = True
    _store_files(application, specs, uploads)
    _claim(application, "returned", "submitted", moment)
    application.answers = json.dumps(kept, ensure_ascii=False)
    application.officer_note = ""
    application.updated_at = moment
    _event(application, "returned", moment, note)
    record("application.resubmit", _target(application), item=_item_name(application), files=len(uploads),
           paused=paused)


# --- rating and follow-up ----------------------------------------------------------------------

@audited
def rate(application: Application, *, rating: int, problems: list[str], comment: str = "") -> Feedback:
    """The applicant rates a completed application (好差评); a poor rating says what went wrong.

    A poor rating (不满意 or 非常不满意) opens a follow-up the site must answer.
    """
    if application.status != "completed":
        raise ApplicationError(_l("An application can be rated once it is completed."))
    if feedback_of(application) is not None:
        raise ApplicationError(_l("This application has been rated already."))
    found: dict[str, str] = {}
    if rating not in RATINGS:
        found["rating"] = str(_l("Choose one of the five levels."))
    comment = _check_text(found, "comment", comment, limit=COMMENT_LIMIT)
    chosen = [key for key in PROBLEMS if key in set(problems or ())]
    if rating in RATINGS and is_poor(rating):
        if not chosen:
            found["problems"] = str(_l("Tell us what went wrong: choose at least one."))
        if "other" in chosen and not comment:
            found["comment"] = str(_l("Say what else went wrong."))
    else:
        chosen = []
    if found:
        raise ApplicationError(found)
    feedback = Feedback(application_id=application.id, rating=rating, problems=",".join(chosen), comment=comment,
                        rated_at=now())
    db.session.add(feedback)
    record("application.rate", _target(application), item=_item_name(application), rating=rating,
           follow_up=is_poor(rating))
    return feedback


@audited
def answer_follow_up(application: Application, *, actor, answer: str) -> None:
    """The site answers a poor rating (整改反馈): what it found and what it does about it; the applicant reads it."""
    _must_be_officer(actor)
    feedback = feedback_of(application)
    if feedback is None or not is_poor(feedback.rating):
        raise ApplicationError(_l("This application has no poor rating to follow up."))
    if feedback.follow_up_at is not None:
        raise ApplicationError(_l("This rating has been followed up already."))
    problems: dict[str, str] = {}
    answer = _check_text(problems, "answer", answer, limit=NOTE_LIMIT,
                         required_message=_l("Write the answer the applicant will read."))
    if problems:
        raise ApplicationError(problems)
    feedback.follow_up_answer, feedback.follow_up_by_id, feedback.follow_up_at = answer, actor.id, now()
    record("application.follow_up", _target(application), item=_item_name(application))


@audited
def note_file_download(application: Application, file: ApplicationFile, *, actor, material: str) -> None:
    """Record that an officer downloaded an applicant's material (personal information: who read it is kept)."""
    _must_be_officer(actor)
    record("application.file_download", _target(application), item=_item_name(application), material=material)
