"""Applications for disclosure, the changes: filing one, the officers' steps, the applicant's clarification.

Every function is an operation (`@audited`): it checks the rules, writes,
records its audit entry and an event (the history the applicant and the
officers read), flushes, never commits. The audit log names the application by
its number, never the applicant, the request or the tracking code: the site's
administrators read it, and they do not see personal data.

The life of an application (the Regulations on the Disclosure of Government
Information, 2019, Arts. 30-36)::

    submitted ──register──▶ registered ──answer──▶ answered
                               │  ▲  └─extend (once, ≤ 20 working days)
                        clarify│  │clarified (the applicant; the clock restarts)
                               ▼  │
                            clarifying ──lapse (the daily job: no clarification by its day)──▶ withdrawn

Registration confirms the day the application was received (Art. 31(3)); the
reply is due 20 working days after it (Art. 33). Clarification is asked once,
saying everything that is unclear (Art. 30: 一次性告知); while the applicant
has it the clock stands still, and it starts again, from nothing, on the day
the clarified application comes. The applicant has DISCLOSURE_CLARIFY_DAYS
working days (15 unless configured) from the request: an application not
clarified by then is deemed withdrawn (逾期不补正视为放弃申请) and closed by the
daily job, counted in the yearly report under 其他处理. One extension of at most 20 working days,
with its reason, moves the due date on.
"""
from __future__ import annotations

import hmac
import re
import secrets
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.audit.log import record
from core.auth.permissions import can
from core.content.files import FILE_SIGNATURES, Upload, content_matches, write_upload
from core.disclosure.models_applications import (APPLICANT_KINDS, DELIVERIES, FORMS, GROUNDS, ORGANISATION_TYPES,
                                                 REPLY_TYPES, DisclosureApplication, DisclosureApplicationEvent,
                                                 DisclosureApplicationFile)
from core.disclosure.queries_applications import (LIMIT_DAYS, MAX_EXTENSION_DAYS, TRACKING_ALPHABET,
                                                  TRACKING_LENGTH, by_submission_key, has_step,
                                                  is_disclosure_officer, phone_lookup)
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.privacy.checks import id_number_problem, is_mobile, normalise_id_number, normalise_mobile
from core.privacy.crypto import personal_folder
from core.text import strip_format_characters, text_problem
from core.timeutil import now
from core.workdays.queries import add_working_days

#: Where applicants' files and replies are kept, inside the site's upload folder (apart from published files;
#: the sweep of unreferenced attachments reads only the site's folder itself, never this one).
FILES_SUBFOLDER = personal_folder("disclosure")
#: The file types taken from applicants and attached to replies, each with the bytes its content starts with.
SIGNATURES = FILE_SIGNATURES  # the platform's content checks (core.content.files), as services and letters
FILE_TYPES = tuple(SIGNATURES)
#: How many files an applicant may attach, and how large each may be (bytes; the platform's limit if smaller).
MAX_APPLICANT_FILES = 3
MAX_APPLICANT_BYTES = 10 * 1024 * 1024
MAX_REPLY_FILES = 5
#: Lengths of what people type.
NAME_LIMIT = 100
DESCRIPTION_LIMIT = 2000
PURPOSE_LIMIT = 500
ADDRESS_LIMIT = 200
NOTE_LIMIT = 2000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
POSTCODE = re.compile(r"^\d{6}$", re.ASCII)
#: GB 32100-2015: the 31 characters of a unified social credit code, and the weights of its check character.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class DisclosureApplicationError(OperationError):
    """An application or a step refused, with what is wrong (under a field when there is one)."""


#: An application's state as the applicant and the officers read it.
STATE_LABELS = {
    "submitted": _l("Waiting to be registered"),
    "registered": _l("Being handled"),
    "clarifying": _l("Waiting for the applicant's clarification"),
    "answered": _l("Replied"),
    "withdrawn": _l("Withdrawn: not clarified in time"),
}
REPLY_LABELS = {
    "disclosed": _l("Disclosed"),
    "partly_disclosed": _l("Partly disclosed"),
    "not_disclosed": _l("Not disclosed"),
    "not_exist": _l("The information does not exist"),
    "not_held": _l("Not for this body to disclose"),
    "repeat": _l("Repeat application"),
    "not_disclosure_request": _l("Not an application for disclosure"),
}
#: What each reply tells the applicant, above the office's own words.
REPLY_EXPLAINED = {
    "disclosed": _l("The information you asked for is disclosed to you."),
    "partly_disclosed": _l("Part of the information can be disclosed; the rest cannot, for the reason below "
                           "(Art. 37)."),
    "not_disclosed": _l("The information cannot be disclosed, on the legal ground below."),
    "not_exist": _l("After searching, this office found that the information you asked for does not exist "
                    "(Art. 36(4))."),
    "not_held": _l("This office is not the one responsible for disclosing this information. Apply to the body "
                   "named below (Art. 36(5))."),
    "repeat": _l("You applied for the same information before and it has been answered; this office does not "
                 "answer it again (Art. 36(6))."),
    "not_disclosure_request": _l("What you sent is not an application for government information (for example "
                                 "a complaint, a report or a request for advice); see below where to turn "
                                 "(Art. 39)."),
}
GROUND_LABELS = {
    "state_secret": _l("A state secret (Art. 14)"),
    "law_forbids": _l("Laws or administrative regulations forbid disclosing it (Art. 14)"),
    "three_safeties": _l("Disclosure would endanger national security, public security, economic security or "
                         "social stability (Art. 14)"),
    "third_party": _l("Trade secrets or personal privacy: disclosure would harm a third party's lawful rights "
                      "(Art. 15)"),
    "internal_affairs": _l("Internal affairs: personnel, logistics, internal procedures (Art. 16, para. 1)"),
    "process_info": _l("Process information: discussion records, drafts, consultation letters, requests for "
                       "instructions (Art. 16, para. 2)"),
    "enforcement_file": _l("Administrative enforcement case files (Art. 16, para. 2)"),
}
KIND_LABELS = {"person": _l("Citizen"), "organisation": _l("Legal person or other organisation")}
ORGANISATION_LABELS = {
    "business": _l("Business"),
    "research": _l("Research institution"),
    "public_interest": _l("Social or public-interest organisation"),
    "legal_service": _l("Legal services provider"),
    "other": _l("Other organisation"),
}
FORM_LABELS = {"paper": _l("On paper"), "electronic": _l("Electronic")}
DELIVERY_LABELS = {"in_person": _l("Collect in person"), "post": _l("By post"), "email": _l("By e-mail"),
                   "online": _l("Online, on the tracking page")}
STEP_LABELS = {
    "submit": _l("Application sent"),
    "register": _l("Registered: the time limit runs"),
    "clarify": _l("Asked for clarification"),
    "clarified": _l("Clarification received: the time limit starts again"),
    "extend": _l("Time limit extended"),
    "answer": _l("Reply given"),
    "lapse": _l("Closed: the clarification did not come in time, so the application is deemed withdrawn (Art. 30)"),
}


@read_only
def new_tracking_code() -> str:
    """A random code of 12 characters from a 31-character alphabet (about 59 bits): not guessable, not sequential."""
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


@read_only
def new_submission_key() -> str:
    """The random key a form page carries, so that posting it twice files one application."""
    return secrets.token_urlsafe(24)


@read_only
def credit_code_problem(value: str) -> str | None:
    """What is wrong with a unified social credit code (GB 32100-2015), or None when it is valid.

    18 characters from the code's alphabet (digits and capitals without I, O, S, V, Z); the last is the check
    character of the first 17, weighted 3^i mod 31.
    """
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return str(_l("A unified social credit code has 18 characters: digits and capital letters (no I, O, S, V "
                      "or Z)."))
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS))
    if _USCC_CHARS[(31 - total % 31) % 31] != code[17]:
        return str(_l("This code does not add up: check each character against the business licence."))
    return None


@read_only
def file_problem(filename: str, data: bytes, *, limit: int) -> str | None:
    """Why a file cannot be taken (its name, type, size or content), in words for whoever sent it; None if it can."""
    name = (filename or "").strip()
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name or "/" in name or "\\" in name or text_problem(name) or not name.rsplit(".", 1)[0].strip(" ."):
        return str(_l("The file has no usable name; rename it and choose it again."))
    if len(name) > 255:
        return str(_l("The file's name is longer than 255 characters; rename it and choose it again."))
    if extension not in SIGNATURES:
        return str(_l("Files of type '%(ext)s' are not taken here; choose a file of type %(allowed)s.",
                      ext=extension or "?", allowed=", ".join(FILE_TYPES)))
    if not data:
        return str(_l("'%(name)s' is empty; choose the file again.", name=name))
    if len(data) > limit:
        return str(_l("'%(name)s' is %(size)s MB; a file may be at most %(limit)s MB.", name=name,
                      size=round(len(data) / 1048576, 1), limit=round(limit / 1048576, 1)))
    if not content_matches(extension, data):
        return str(_l("'%(name)s' is not a real %(ext)s file (its content is of another kind); save it again as "
                      "%(ext)s, or scan it to PDF.", name=name, ext=extension.upper()))
    return None


@read_only
def clarify_days() -> int:
    """The working days an applicant has to clarify (DISCLOSURE_CLARIFY_DAYS, 15 unless configured)."""
    return int(current_app.config.get("DISCLOSURE_CLARIFY_DAYS", 15))


@read_only
def applicant_file_limit() -> int:
    return min(MAX_APPLICANT_BYTES, current_app.config["MAX_ATTACHMENT_BYTES"])


def _must_be_officer(actor) -> None:
    if not (can(actor, "disclosure.handle") and is_disclosure_officer(actor)):
        raise OperationForbidden(_l("Only the site's disclosure officers handle applications for disclosure."))


def _target(found: DisclosureApplication) -> str:
    return f"#{found.id}"


def _event(found: DisclosureApplication, step: str, before: str | None, moment, note: str = "", actor=None) -> None:
    db.session.add(DisclosureApplicationEvent(application_id=found.id, at=moment, step=step, from_status=before,
                                              to_status=found.status, note=note,
                                              actor_id=actor.id if actor is not None else None))


def _text(problems: dict, field: str, value: str | None, *, limit: int, multiline: bool = True,
          required=None) -> str:
    value = strip_format_characters(value or "").strip()
    if not value and required is not None:
        problems[field] = str(required)
        return value
    problem = text_problem(value, multiline=multiline, max_length=limit)
    if problem:
        problems[field] = problem
    return value


def _check_files(problems: dict, field: str, uploads: list[Upload], *, most: int, limit: int) -> None:
    if len(uploads) > most:
        problems[field] = str(_l("At most %(n)s files.", n=most))
        return
    for upload in uploads:
        problem = file_problem(upload.filename, upload.data, limit=limit)
        if problem:
            problems[field] = problem
            return


def _store_files(found: DisclosureApplication, uploads: list[Upload], kind: str) -> None:
    for upload in uploads:
        entry = write_upload(upload, subfolder=FILES_SUBFOLDER)
        db.session.add(DisclosureApplicationFile(application_id=found.id, kind=kind, filename=entry["filename"],
                                                 stored_name=entry["stored_name"],
                                                 content_type=entry["content_type"], size=entry["size"]))


def _claim(found: DisclosureApplication, before: str, target: str, moment) -> None:
    """Move the stored state from `before` to `target` in one conditional UPDATE, or refuse.

    Two officers (or one double click) taking a step at once both read the same state; only the first UPDATE
    finds the row still in it, so the other is refused instead of recording the step twice.

    :raises DisclosureApplicationError: when the stored state is no longer `before`.
    """
    claimed = db.session.execute(
        update(DisclosureApplication).where(DisclosureApplication.id == found.id,
                                            DisclosureApplication.status == before)
        .values(status=target, updated_at=moment).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DisclosureApplicationError(_l("This step cannot be taken now: the application has moved on. "
                                            "Reload the page."))
    found.status = target


def _moved_on() -> DisclosureApplicationError:
    return DisclosureApplicationError(_l("This step cannot be taken now: the application has moved on. "
                                         "Reload the page."))


# --- filing ------------------------------------------------------------------------------------

def _check_applicant(problems: dict, *, kind: str, organisation_type: str | None, name: str, id_number: str,
                     credit_code: str, legal_representative: str, contact_name: str) -> dict:
    """The applicant's identity, checked by kind; return the columns to store."""
    if kind not in APPLICANT_KINDS:
        problems["applicant_kind"] = str(_l("Choose whether you apply as a citizen or for an organisation."))
        return {}
    if kind == "person":
        name = _text(problems, "applicant_name", name, limit=NAME_LIMIT, multiline=False,
                     required=_l("Give your name as on your ID card."))
        if not id_number or id_number_problem(id_number):
            problems["id_number"] = str(_l("Give a valid 18-character ID number."))
        return {"applicant_name": name, "id_number": normalise_id_number(id_number or ""), "credit_code": None,
                "organisation_type": None, "legal_representative": None, "contact_name": None}
    name = _text(problems, "organisation_name", name, limit=NAME_LIMIT, multiline=False,
                 required=_l("Give the organisation's full name, as on its licence."))
    if organisation_type not in ORGANISATION_TYPES:
        problems["organisation_type"] = str(_l("Choose the kind of organisation."))
    problem = credit_code_problem(credit_code)
    if problem:
        problems["credit_code"] = problem
    legal = _text(problems, "legal_representative", legal_representative, limit=NAME_LIMIT, multiline=False,
                  required=_l("Give the name of the legal representative or person in charge."))
    contact = _text(problems, "contact_name", contact_name, limit=NAME_LIMIT, multiline=False,
                    required=_l("Give the name of the person this office contacts."))
    return {"applicant_name": name, "id_number": None, "credit_code": (credit_code or "").strip().upper(),
            "organisation_type": organisation_type, "legal_representative": legal, "contact_name": contact}


def _same_sender(found: DisclosureApplication, phone: str) -> bool:
    return bool(phone) and is_mobile(phone) and hmac.compare_digest(found.phone_hash, phone_lookup(phone))


@audited
def submit_application(*, applicant_kind: str, applicant_name: str, phone: str, description: str, medium: str,
                       delivery: str, id_number: str = "", organisation_type: str | None = None,
                       credit_code: str = "", legal_representative: str = "", contact_name: str = "",
                       email: str = "", address: str = "", postcode: str = "", document_number: str = "",
                       purpose: str = "", uploads: list[Upload] = (),
                       submission_key: str | None = None) -> tuple[DisclosureApplication, bool]:
    """File an application for disclosure (Art. 29); return it, and whether it is new.

    A citizen gives a name and a resident ID number; an organisation its name,
    kind, unified social credit code, legal representative and contact person.
    Both give a mobile number (with the tracking code, the way back to the
    application); an e-mail address when the reply is to come by e-mail, a
    postal address when by post. The information wanted is required; its
    document number and the purpose are not (the 2019 revision dropped the
    purpose). `medium` is the form it is wanted in (FORMS: paper or
    electronic). The due date is provisional, 20 working days after the day it
    was sent, until an officer registers the day of receipt. A form posted twice
    with the same `submission_key` and mobile number files one application.

    :raises DisclosureApplicationError: with the problems by field name of the apply form.
    """
    if submission_key:
        earlier = by_submission_key(submission_key)
        if earlier is not None and _same_sender(earlier, phone):
            record("disclosure_application.submit_again", _target(earlier))
            return earlier, False
        if earlier is not None:
            submission_key = None  # a key copied into another person's post opens nothing of theirs
    problems: dict[str, str] = {}
    who = _check_applicant(problems, kind=applicant_kind, organisation_type=organisation_type, name=applicant_name,
                           id_number=id_number, credit_code=credit_code, legal_representative=legal_representative,
                           contact_name=contact_name)
    if not phone or not is_mobile(phone):
        problems["phone"] = str(_l("Give a mobile number: you will need it to check your application."))
    email = _text(problems, "email", email, limit=254, multiline=False,
                  required=_l("Give the e-mail address the reply is to be sent to.") if delivery == "email" else None)
    if email and not EMAIL.match(email) and "email" not in problems:
        problems["email"] = str(_l("Give an e-mail address like name@example.com."))
    address = _text(problems, "address", address, limit=ADDRESS_LIMIT, multiline=False,
                    required=_l("Give the postal address the reply is to be sent to.") if delivery == "post" else None)
    postcode = (postcode or "").strip()
    if postcode and not POSTCODE.match(postcode):
        problems["postcode"] = str(_l("A postcode has 6 digits."))
    description = _text(problems, "description", description, limit=DESCRIPTION_LIMIT,
                        required=_l("Describe the information you want: its name, or what it is about."))
    document_number = _text(problems, "document_number", document_number, limit=100, multiline=False)
    purpose = _text(problems, "purpose", purpose, limit=PURPOSE_LIMIT)
    if medium not in FORMS:
        problems["form"] = str(_l("Choose the form you want the information in."))
    if delivery not in DELIVERIES:
        problems["delivery"] = str(_l("Choose how you want to receive it."))
    uploads = list(uploads or ())
    _check_files(problems, "files", uploads, most=MAX_APPLICANT_FILES, limit=applicant_file_limit())
    if problems:
        raise DisclosureApplicationError(problems)
    moment = now()
    for _attempt in range(5):
        found = DisclosureApplication(tracking_code=new_tracking_code(), applicant_kind=applicant_kind, **who,
                                      phone=normalise_mobile(phone), phone_hash=phone_lookup(phone),
                                      email=email or None, address=address or None, postcode=postcode,
                                      description=description, document_number=document_number,
                                      purpose=purpose or None, form=medium, delivery=delivery, status="submitted",
                                      submitted_at=moment, due_on=add_working_days(moment.date(), LIMIT_DAYS),
                                      submission_key=submission_key)
        try:
            with db.session.begin_nested():
                db.session.add(found)
                db.session.flush()
            break
        except IntegrityError:
            # The same form was filed meanwhile by a request that committed first, or (once in billions)
            # the code was taken: the first finds that application, the second draws again.
            if submission_key:
                earlier = by_submission_key(submission_key)
                if earlier is not None and _same_sender(earlier, phone):
                    record("disclosure_application.submit_again", _target(earlier))
                    return earlier, False
                submission_key = None
    else:  # pragma: no cover - five codes taken in a row
        raise DisclosureApplicationError(_l("The application could not be filed just now; send it again."))
    _store_files(found, uploads, "applicant")
    _event(found, "submit", None, moment)
    record("disclosure_application.submit", _target(found), applicant=applicant_kind, files=len(uploads))
    return found, True


# --- the officers' steps -----------------------------------------------------------------------

@audited
def register(found: DisclosureApplication, *, actor, received_on: date | None = None,
             note: str = "") -> None:
    """登记: confirm the day the application was received (Art. 31(3)); the reply is due 20 working days after.

    `received_on` defaults to the day it was sent; it cannot be before that day nor after today.

    :raises DisclosureApplicationError: under "received_on" for a day out of range; when already registered.
    """
    _must_be_officer(actor)
    if found.status != "submitted":
        raise _moved_on()
    moment = now()
    received_on = received_on or found.submitted_at.date()
    problems: dict[str, str] = {}
    if not found.submitted_at.date() <= received_on <= moment.date():
        problems["received_on"] = str(_l("The day of receipt is between the day it was sent (%(sent)s) and today.",
                                         sent=found.submitted_at.date().isoformat()))
    note = _text(problems, "note", note, limit=NOTE_LIMIT)
    if problems:
        raise DisclosureApplicationError(problems)
    _claim(found, "submitted", "registered", moment)
    found.received_on = found.clock_from = received_on
    found.registered_at = moment
    found.due_on = add_working_days(received_on, LIMIT_DAYS)
    _event(found, "register", "submitted", moment, note, actor)
    record("disclosure_application.register", _target(found), received_on=received_on.isoformat(),
           due_on=found.due_on.isoformat(), **{"from": "submitted", "to": "registered"})


@audited
def ask_clarification(found: DisclosureApplication, *, actor, note: str) -> None:
    """补正: the application is unclear; tell the applicant, once and all at once, what to clarify (Art. 30).

    The clock stands still until the clarified application comes, and then starts again from that day. The
    applicant has `clarify_days()` working days from today (`clarify_due_on`); past them, `close_unclarified`
    closes the application as withdrawn.

    :raises DisclosureApplicationError: under "note" when empty; when clarification was asked before.
    """
    _must_be_officer(actor)
    if found.status != "registered":
        raise _moved_on()
    if has_step(found, "clarify"):
        raise DisclosureApplicationError(_l("Clarification is asked once, saying everything that is unclear "
                                            "(Art. 30): it was asked already."))
    problems: dict[str, str] = {}
    note = _text(problems, "note", note, limit=NOTE_LIMIT,
                 required=_l("Say what the applicant must clarify: it is what they will read."))
    if problems:
        raise DisclosureApplicationError(problems)
    moment = now()
    _claim(found, "registered", "clarifying", moment)
    found.clarify_note, found.clarify_asked_at = note, moment
    found.clarify_due_on = add_working_days(moment.date(), clarify_days())
    _event(found, "clarify", "registered", moment, note, actor)
    record("disclosure_application.clarify", _target(found), clarify_due_on=found.clarify_due_on.isoformat(),
           **{"from": "registered", "to": "clarifying"})


@audited
def clarify(found: DisclosureApplication, *, text: str, uploads: list[Upload] = ()) -> None:
    """The applicant answers the request for clarification (through the tracking page).

    The time limit starts again from the day the clarified application comes (Art. 30): the reply is due
    20 working days after it (plus an extension's days, if one was given).

    :raises DisclosureApplicationError: under "text" when empty, under "files" for a file refused.
    """
    if found.status != "clarifying":
        raise DisclosureApplicationError(_l("This application is not waiting for a clarification."))
    if found.clarify_due_on is not None and now().date() > found.clarify_due_on:
        raise DisclosureApplicationError(_l("The time to clarify ended on %(day)s: the application is deemed "
                                            "withdrawn (Art. 30). You may apply again.",
                                            day=found.clarify_due_on.isoformat()))
    problems: dict[str, str] = {}
    text = _text(problems, "text", text, limit=DESCRIPTION_LIMIT,
                 required=_l("Write what you clarify: the information you want, as precisely as you can."))
    uploads = list(uploads or ())
    _check_files(problems, "files", uploads, most=MAX_APPLICANT_FILES, limit=applicant_file_limit())
    if problems:
        raise DisclosureApplicationError(problems)
    moment = now()
    _claim(found, "clarifying", "registered", moment)
    found.clarification, found.clarified_at = text, moment
    found.clock_from = moment.date()
    found.due_on = add_working_days(moment.date(), LIMIT_DAYS + (found.extended_days or 0))
    _store_files(found, uploads, "applicant")
    _event(found, "clarified", "clarifying", moment)
    record("disclosure_application.clarified", _target(found), restarted_on=moment.date().isoformat(),
           due_on=found.due_on.isoformat(), files=len(uploads), **{"from": "clarifying", "to": "registered"})


@audited
def extend(found: DisclosureApplication, *, actor, days: int | None, reason: str) -> None:
    """延期: once, by at most 20 working days, with the reason the applicant reads (Art. 33, para. 2).

    An extension lengthens a time limit that still runs (Art. 33, para. 2: 需要延长答复期限的，应当经政府信息公开工作
    机构负责人同意并告知申请人), so it is decided, and the applicant told, by the due date: once that day has
    passed the application is overdue and stays so, and its reply, whenever it comes, counts as late (the
    queue, the audit entry, the yearly report's count of late replies).

    :raises DisclosureApplicationError: under "days" or "reason"; when extended already, not being handled, or
        past its due date.
    """
    _must_be_officer(actor)
    if found.status != "registered":
        raise _moved_on()
    if found.extended_days:
        raise DisclosureApplicationError(_l("The time limit can be extended once (Art. 33): it was extended "
                                            "already."))
    if found.due_on is not None and now().date() > found.due_on:
        raise DisclosureApplicationError(_l("The time limit ended on %(day)s: an extension is decided within the "
                                            "time limit (Art. 33), so this application can no longer be extended. "
                                            "Reply as soon as you can; the reply counts as late.",
                                            day=found.due_on.isoformat()))
    problems: dict[str, str] = {}
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_EXTENSION_DAYS:
        problems["days"] = str(_l("An extension is 1 to %(n)s working days.", n=MAX_EXTENSION_DAYS))
    reason = _text(problems, "reason", reason, limit=NOTE_LIMIT,
                   required=_l("Give the reason for the extension: the applicant reads it."))
    if problems:
        raise DisclosureApplicationError(problems)
    moment = now()
    claimed = db.session.execute(
        update(DisclosureApplication).where(DisclosureApplication.id == found.id,
                                            DisclosureApplication.status == "registered",
                                            DisclosureApplication.extended_days.is_(None))
        .values(extended_days=days, updated_at=moment).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise _moved_on()
    found.extended_days, found.extension_reason = days, reason
    found.due_on = add_working_days(found.due_on, days)
    _event(found, "extend", "registered", moment, reason, actor)
    record("disclosure_application.extend", _target(found), days=days, due_on=found.due_on.isoformat())


def _check_reply(problems: dict, reply_type: str, ground: str | None, text: str, other_body: str,
                 files: int) -> tuple[str | None, str, str]:
    if reply_type not in REPLY_TYPES:
        problems["reply_type"] = str(_l("Choose the type of reply."))
        return None, text, other_body
    text = _text(problems, "text", text, limit=NOTE_LIMIT,
                 required=None if reply_type in ("disclosed", "not_held") else {
                     "partly_disclosed": _l("Say which part is withheld and why."),
                     "not_disclosed": _l("Explain the refusal: the applicant reads it with its legal ground."),
                     "not_exist": _l("Say how the office searched and what it found."),
                     "repeat": _l("Say when the earlier application was answered."),
                     "not_disclosure_request": _l("Say where the applicant can turn instead (a complaint, a "
                                                  "report, a request for advice)."),
                 }[reply_type])
    if reply_type == "disclosed" and not text and not files and "text" not in problems:
        problems["text"] = str(_l("Attach the information, or say how it is provided (by post, to collect)."))
    if reply_type == "not_disclosed" and ground not in GROUNDS:
        problems["ground"] = str(_l("Choose the legal ground of the refusal."))
    elif reply_type == "partly_disclosed" and ground and ground not in GROUNDS:
        problems["ground"] = str(_l("Choose the legal ground of the refusal."))
    if reply_type not in ("not_disclosed", "partly_disclosed"):
        ground = None
    if reply_type == "not_held":
        other_body = _text(problems, "other_body", other_body, limit=200, multiline=False,
                           required=_l("Name the body that discloses this information."))
    else:
        other_body = ""
    return ground or None, text, other_body


@audited
def answer(found: DisclosureApplication, *, actor, reply_type: str, text: str = "", ground: str | None = None,
           other_body: str = "", uploads: list[Upload] = ()) -> None:
    """答复: reply with one of the reply types, attaching the information or the reply letter.

    Not disclosed needs its legal ground (Arts. 14-16) and an explanation; partly disclosed says what is
    withheld and why; not held by this body names the body that holds it; the others explain themselves.

    :raises DisclosureApplicationError: under "reply_type", "ground", "text", "other_body" or "files".
    """
    _must_be_officer(actor)
    if found.status != "registered":
        raise _moved_on()
    problems: dict[str, str] = {}
    uploads = list(uploads or ())
    ground, text, other_body = _check_reply(problems, reply_type, ground, text, other_body, len(uploads))
    _check_files(problems, "files", uploads, most=MAX_REPLY_FILES, limit=current_app.config["MAX_ATTACHMENT_BYTES"])
    if problems:
        raise DisclosureApplicationError(problems)
    moment = now()
    _claim(found, "registered", "answered", moment)
    found.reply_type, found.reply_ground, found.reply_text, found.other_body = reply_type, ground, text, other_body
    found.answered_at = moment
    _store_files(found, uploads, "reply")
    _event(found, "answer", "registered", moment, text, actor)
    record("disclosure_application.answer", _target(found), reply=reply_type, ground=ground or "",
           files=len(uploads), on_time=moment.date() <= found.due_on if found.due_on else True,
           **{"from": "registered", "to": "answered"})


@audited
def note_file_download(found: DisclosureApplication, file: DisclosureApplicationFile, *, actor) -> None:
    """Record that an officer opened an applicant's file (personal information: who read it is kept)."""
    _must_be_officer(actor)
    record("disclosure_application.file_download", _target(found), file=file.kind)


@audited
def close_unclarified(today: date | None = None) -> int:
    """Close the active site's applications whose clarification did not come by its day: deemed withdrawn (Art. 30,
    逾期不补正视为放弃申请). Return how many. Each is recorded; the yearly counts take it as 其他处理.

    Idempotent: only an application still waiting for its clarification, past its day, is closed, by a
    conditional update (an applicant's clarification arriving at the same moment wins or loses whole).
    """
    today = today or now().date()
    moment = now()
    closed = 0
    for found in db.session.execute(select(DisclosureApplication).where(
            DisclosureApplication.status == "clarifying", DisclosureApplication.clarify_due_on < today)).scalars():
        try:
            _claim(found, "clarifying", "withdrawn", moment)
        except DisclosureApplicationError:
            continue
        found.answered_at = moment
        _event(found, "lapse", "clarifying", moment)
        record("disclosure_application.lapse", _target(found), clarify_due_on=found.clarify_due_on.isoformat(),
               platform=False, **{"from": "clarifying", "to": "withdrawn"})
        closed += 1
    db.session.flush()
    return closed


#: Each officer's step, for the views.
STEP_OPERATIONS = {"register": register, "clarify": ask_clarification, "extend": extend, "answer": answer}
