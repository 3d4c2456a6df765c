"""Letters, the changes: writing one, the officers' steps, the writer's additions and rating, forwarding, publishing.

Every function is an operation (`@audited`): it checks the rules, writes,
records its audit entry and a `LetterEvent` (the history the officers read;
the writer reads the public ones), flushes, never commits. The audit log names
a letter by its number and mailbox, never the writer, the text or the query
code: the site's administrators read the log, and they do not see personal data.

A letter's life::

    held ──release──▶ new ──assign──▶ assigned ──reply──▶ replied ──publish──▶ (published)
      │                │                  │   └─reply (second-officer review on)──▶ reviewing ──approve──▶ replied
      │                │                  │                                              └──send back──▶ assigned
      │                ├──request information──▶ info_requested ──the writer adds it──▶ new / assigned
      │                ├──forward──▶ forwarded (a copy, state new, on the other site)
      └──not accept────┴──not accept──▶ not_accepted

The due date is the mailbox's reply limit in working days counted from the
day after the letter came; the working days it waits for the writer's
additional information move it on by as many working days. A held letter's
clock runs from the day it came: holding it is the office's check, not the writer's delay.
"""
from __future__ import annotations

import hmac
import re
import secrets
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from core.audit.log import record
from core.auth.permissions import can
from core.content.files import Upload, upload_dir, write_upload
from core.extensions import db
from core.interaction.lines import letter_lines
from core.interaction.models import (
    MAILBOX_KINDS,
    NEVER_PUBLISHED_KINDS,
    NOT_ACCEPTED_REASONS,
    RATINGS,
    Letter,
    LetterEvent,
    LetterOptions,
    Mailbox,
    PublishedLetter,
)
from core.interaction.queries_letters import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_REPLY_DAYS,
    REVIEW_OFFICERS,
    REPLY_DAYS_SETTING,
    by_submission_key,
    code_taken,
    history,
    mailbox,
    mailbox_row,
    officers,
    options_row,
    phone_lookup,
    platform_reply_days,
    published_of,
    review_in_force,
    review_replies,
    same_letter_since,
    text_lookup,
    user_names,
)
from core.interaction.stats import site_alerts
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.privacy.checks import is_mobile, normalise_mobile
from core.privacy.crypto import personal_folder
from core.privacy.masking import mask_for_publication
from core.services.fields import EMAIL, FieldSpec, file_problem
from core.text import text_problem
from core.timeutil import now
from core.workdays.queries import add_working_days, working_days_between
from tenants.models import Tenant
from tenants.provisioning import set_setting
from tenants.scoping import activate_tenant, crosses_tenants

#: Where writers' attachments are kept, inside the site's upload folder (apart from published attachments,
#: so the sweep of unreferenced attachments never looks at them).
FILES_SUBFOLDER = personal_folder("letters")
#: The attachment a writer may send: its types and its size.
ATTACHMENT = FieldSpec(key="attachment", type="file", label="附件", label_en="Attachment",
                       extensions=("pdf", "jpg", "jpeg", "png", "doc", "docx"), max_mb=5)
SUBJECT_LIMIT = 200
BODY_LIMIT = 5000
NAME_LIMIT = 50
NOTE_LIMIT = 2000
REPLY_LIMIT = 10000
OFFICE_LIMIT = 200
RULES_LIMIT = 2000
INFO_LIMIT = 3000
#: A letter with more links than this is held for an officer to look at (link-stuffed spam).
MAX_LINKS = 3
#: The same letter from the same mobile within this time is held (sent again and again).
REPEAT_WINDOW = timedelta(hours=24)
_LINK = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)


class LetterError(OperationError):
    """A letter or a step refused, with what is wrong (under a field when there is one)."""


@read_only
def new_query_code() -> str:
    """A random code of 12 characters from a 31-character alphabet (about 59 bits): not guessable, not sequential."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@read_only
def new_submission_key() -> str:
    """The random key a form page carries, so that posting it twice files one letter."""
    return secrets.token_urlsafe(24)


@read_only
def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))


def _target(letter: Letter) -> str:
    return f"#{letter.id}"


def _must_be_officer(actor) -> None:
    """Only the site's own interaction officers handle letters (the bureau's administrators hold every
    permission of a site, and see writers' data masked)."""
    from core.interaction.queries_letters import is_interaction_officer

    if not (can(actor, "interaction.handle") and is_interaction_officer(actor)):
        raise OperationForbidden(_l("Only the site's interaction officers handle letters."))


def _event(letter: Letter, action: str, before: str | None, moment, *, note: str = "", actor=None,
           public: bool = False, actor_text: str = "", staff_note: str = "") -> None:
    db.session.add(LetterEvent(letter_id=letter.id, at=moment, action=action, from_status=before,
                               to_status=letter.status, note=note, public=public, actor_text=actor_text,
                               actor_id=actor.id if actor is not None else None, staff_note=staff_note))


def _text(problems: dict, field: str, value: str, *, limit: int, multiline: bool = True,
          required=None) -> str:
    value = (value or "").strip()
    if not value and required is not None:
        problems[field] = str(required)
        return value
    problem = text_problem(value, multiline=multiline, max_length=limit)
    if problem:
        problems[field] = problem
    return value


def _moved_on(letter: Letter) -> str:
    return str(_l("This step cannot be taken now: the letter has moved on. Reload the page."))


# --- writing -----------------------------------------------------------------------------------

def _same_sender(letter: Letter, phone: str) -> bool:
    return bool(phone) and is_mobile(phone) and hmac.compare_digest(letter.phone_hash, phone_lookup(phone))


@audited
def submit_letter(kind: str, *, subject: str, body: str, writer_name: str, phone: str, email: str = "",
                  may_publish: bool = False, upload: Upload | None = None,
                  submission_key: str | None = None) -> tuple[Letter, bool]:
    """Write a letter to the active site's mailbox of `kind`; return it, and whether it is new.

    Everything is checked before anything is written. The letter is due in the
    mailbox's reply limit (working days from the day after today). A letter
    with more than MAX_LINKS links, or the same text (compared normalised)
    sent from the same mobile within REPEAT_WINDOW, is kept but held for an
    officer to release or not accept; its writer gets a receipt all the same.
    The same form posted again (same `submission_key`, same mobile) files
    nothing and returns the letter the first post filed.

    :raises LetterError: with the problems by field of the write form; the mailbox closed or unknown.
    """
    box = mailbox(kind) if kind in MAILBOX_KINDS else None
    if box is None or not box.enabled:
        raise LetterError(_l("This mailbox does not take letters at present."))
    if submission_key:
        earlier = by_submission_key(submission_key)
        if earlier is not None and _same_sender(earlier, phone):
            record("letter.submit_again", _target(earlier), kind=earlier.kind)
            return earlier, False
        if earlier is not None:
            submission_key = None  # a key copied into another person's post opens nothing of theirs
    problems: dict[str, str] = {}
    subject = _text(problems, "subject", subject, limit=SUBJECT_LIMIT, multiline=False,
                    required=_l("Give the subject of your letter."))
    body = _text(problems, "body", body, limit=BODY_LIMIT, required=_l("Write your letter."))
    name = _text(problems, "writer_name", writer_name, limit=NAME_LIMIT, multiline=False,
                 required=_l("Give your name."))
    if not phone or not is_mobile(phone):
        problems["phone"] = str(_l("Give a mobile number: you will need it to read the reply."))
    email = (email or "").strip()
    if email and (len(email) > 254 or not EMAIL.match(email) or text_problem(email)):
        problems["email"] = str(_l("Give an e-mail address like name@example.com."))
    if upload is not None:
        problem = file_problem(ATTACHMENT, upload.filename, upload.data)
        if problem:
            problems["attachment"] = problem
    if problems:
        raise LetterError(problems)
    moment = now()
    phone_hash, text_hash = phone_lookup(phone), text_lookup(subject, body)
    hold = None
    if count_links(f"{subject} {body}") > MAX_LINKS:
        hold = "links"
    elif same_letter_since(phone_hash, text_hash, moment - REPEAT_WINDOW):
        hold = "repeated"
    for _attempt in range(5):
        code = new_query_code()
        if code_taken(code):
            continue
        letter = Letter(kind=kind, query_code=code, subject=subject, body=body, writer_name=name,
                        phone=normalise_mobile(phone), phone_hash=phone_hash, email=email or None,
                        text_hash=text_hash, may_publish=bool(may_publish) and kind not in NEVER_PUBLISHED_KINDS,
                        status="held" if hold else "new", hold_reason=hold, received_at=moment,
                        first_received_at=moment, reply_days=box.reply_days,
                        due_on=add_working_days(moment.date(), box.reply_days), submission_key=submission_key)
        try:
            with db.session.begin_nested():
                db.session.add(letter)
                db.session.flush()
            break
        except IntegrityError:
            if submission_key:  # the same form, filed meanwhile by a request that committed first
                earlier = by_submission_key(submission_key)
                if earlier is not None and _same_sender(earlier, phone):
                    record("letter.submit_again", _target(earlier), kind=earlier.kind)
                    return earlier, False
                submission_key = None
    else:  # pragma: no cover - five codes taken in a row
        raise LetterError(_l("The letter could not be sent just now; send it again."))
    if upload is not None:
        entry = write_upload(upload, subfolder=FILES_SUBFOLDER)
        letter.attachment_name, letter.attachment_stored = entry["filename"], entry["stored_name"]
        letter.attachment_type, letter.attachment_size = entry["content_type"], entry["size"]
    _event(letter, "submit", None, moment, public=True)
    if hold:
        _event(letter, "hold", None, moment)
    record("letter.submit", _target(letter), kind=kind, held=hold or "", attachment=upload is not None)
    return letter, True


# --- the officers' steps -----------------------------------------------------------------------

#: The states from which each step may be taken.
SOURCES = {
    "release": ("held",),
    "assign": ("new", "assigned"),
    "reply": ("new", "assigned"),
    "approve": ("reviewing",),
    "send_back": ("reviewing",),
    "request_info": ("new", "assigned"),
    "not_accept": ("held", "new", "assigned", "info_requested"),
    "forward": ("new", "assigned", "info_requested"),
}


def _check_state(letter: Letter, step: str) -> str:
    if letter.status not in SOURCES[step]:
        raise LetterError(_moved_on(letter))
    return letter.status


def _claim(letter: Letter, target: str, moment, *, extra=()) -> None:
    """Move the stored letter from the state and version this request read to `target`, in one conditional UPDATE.

    Two officers (or a double click, or the writer's two tabs) taking a step
    at once both read the same letter; only the first UPDATE still finds it
    as read (same state, same `version`), so the other is refused before it
    writes anything: a forward never makes two copies, two replies never both
    land, two additions never both move the due date. Call it before any
    other write of the step. `extra` adds conditions (the rating still empty).

    :raises LetterError: the stored letter is no longer as this request read it.
    """
    claimed = db.session.execute(
        update(Letter).where(Letter.id == letter.id, Letter.status == letter.status,
                             Letter.version == letter.version, *extra)
        .values(status=target, version=Letter.version + 1, updated_at=moment)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise LetterError(_moved_on(letter))
    set_committed_value(letter, "version", letter.version + 1)
    set_committed_value(letter, "status", target)
    letter.updated_at = moment


@audited
def release(letter: Letter, *, actor) -> None:
    """A held letter is genuine after all: it enters the queue as received, its clock running from when it came."""
    _must_be_officer(actor)
    before = _check_state(letter, "release")
    moment = now()
    _claim(letter, "new", moment)
    letter.hold_reason = None
    _event(letter, "release", before, moment, actor=actor)
    record("letter.release", _target(letter), kind=letter.kind)


@audited
def assign(letter: Letter, *, actor, officer_id: int, note: str = "") -> None:
    """Give the letter to one of the site's interaction officers to answer (承办), with a note for them."""
    _must_be_officer(actor)
    before = _check_state(letter, "assign")
    names = dict(officers())
    problems: dict[str, str] = {}
    if officer_id not in names:
        problems["officer"] = str(_l("Choose one of this site's interaction officers."))
    note = _text(problems, "note", note, limit=NOTE_LIMIT)
    if problems:
        raise LetterError(problems)
    moment = now()
    _claim(letter, "assigned", moment)
    letter.assigned_to_id = officer_id
    _event(letter, "assign", before, moment, actor=actor, note=note)
    record("letter.assign", _target(letter), kind=letter.kind, officer=names[officer_id])


@audited
def reply(letter: Letter, *, actor, text: str, office: str) -> None:
    """Answer the letter, naming the office that answers (答复单位).

    With the site's second-officer review in force, the answer waits
    ("reviewing") until another officer approves it; otherwise the writer
    reads it at once. Review switched on but fewer than two officers left
    (queries_letters.review_in_force): the reply goes out at once, and the
    audit entry says it went out unreviewed.
    """
    _must_be_officer(actor)
    before = _check_state(letter, "reply")
    problems: dict[str, str] = {}
    text = _text(problems, "reply", text, limit=REPLY_LIMIT, required=_l("Write the reply the writer will read."))
    office = _text(problems, "office", office, limit=OFFICE_LIMIT, multiline=False,
                   required=_l("Name the office that replies."))
    if problems:
        raise LetterError(problems)
    moment = now()
    reviewed = review_in_force()
    _claim(letter, "reviewing" if reviewed else "replied", moment)
    letter.reply, letter.reply_office, letter.replied_by_id = text, office, actor.id
    letter.assigned_to_id = letter.assigned_to_id or actor.id
    letter.review_note = ""
    if reviewed:
        _event(letter, "draft", before, moment, actor=actor)
        record("letter.draft", _target(letter), kind=letter.kind)
        return
    letter.replied_at, letter.closed_at = moment, moment
    _event(letter, "reply", before, moment, actor=actor, public=True)
    unreviewed = {"unreviewed": True} if review_replies() else {}
    record("letter.reply", _target(letter), kind=letter.kind, late=moment.date() > letter.due_on, **unreviewed)


@audited
def approve_reply(letter: Letter, *, actor) -> None:
    """A second officer approves the drafted reply: it goes out, dated now.

    While the site has fewer than two interaction officers (one left or lost
    the role after the draft was made), its drafter may approve it, so it
    does not wait for nobody; the audit entry says it went out unreviewed.

    :raises OperationForbidden: the drafter approving their own reply while another officer could.
    """
    _must_be_officer(actor)
    before = _check_state(letter, "approve")
    alone = letter.replied_by_id == actor.id
    if alone and review_in_force():
        raise OperationForbidden(_l("Another officer approves a reply: not the one who wrote it."))
    moment = now()
    _claim(letter, "replied", moment)
    letter.replied_at, letter.closed_at, letter.reviewed_by_id = moment, moment, actor.id
    _event(letter, "approve", before, moment, actor=actor, public=True)
    record("letter.approve", _target(letter), kind=letter.kind, late=moment.date() > letter.due_on,
           **({"unreviewed": True} if alone else {}))


@audited
def send_back(letter: Letter, *, actor, note: str) -> None:
    """The reviewer sends the draft back to its writer, saying what to change."""
    _must_be_officer(actor)
    before = _check_state(letter, "send_back")
    if letter.replied_by_id == actor.id:
        raise OperationForbidden(_l("Another officer reviews a reply: not the one who wrote it."))
    problems: dict[str, str] = {}
    note = _text(problems, "note", note, limit=NOTE_LIMIT, required=_l("Say what should change in the reply."))
    if problems:
        raise LetterError(problems)
    moment = now()
    _claim(letter, "assigned", moment)
    letter.review_note = note
    letter.assigned_to_id = letter.replied_by_id or letter.assigned_to_id
    _event(letter, "send_back", before, moment, actor=actor, note=note)
    record("letter.send_back", _target(letter), kind=letter.kind)


@audited
def request_info(letter: Letter, *, actor, note: str) -> None:
    """Ask the writer for more information (补充): the clock stands still until they add it on the query page."""
    _must_be_officer(actor)
    before = _check_state(letter, "request_info")
    problems: dict[str, str] = {}
    note = _text(problems, "note", note, limit=NOTE_LIMIT,
                 required=_l("Say what the writer should add: it is what they will read."))
    if problems:
        raise LetterError(problems)
    moment = now()
    _claim(letter, "info_requested", moment)
    letter.info_request, letter.paused_since = note, moment
    _event(letter, "request_info", before, moment, actor=actor, note=note, public=True)
    record("letter.request_info", _target(letter), kind=letter.kind)


@audited
def add_info(letter: Letter, *, text: str) -> int:
    """The writer adds the information asked for (found by query code and mobile); return the paused working days.

    The due date moves on by the working days the letter waited, counted
    from the day after the request up to today.
    """
    if letter.status != "info_requested":
        raise LetterError(_l("This letter is not waiting for more information."))
    problems: dict[str, str] = {}
    text = _text(problems, "text", text, limit=INFO_LIMIT, required=_l("Write what you add to your letter."))
    if problems:
        raise LetterError(problems)
    moment = now()
    _claim(letter, "assigned" if letter.assigned_to_id else "new", moment)
    paused = working_days_between(letter.paused_since.date(), moment.date()) if letter.paused_since else 0
    if paused:
        letter.due_on = add_working_days(letter.due_on, paused)
    letter.paused_days += paused
    letter.paused_since = None
    _event(letter, "add_info", "info_requested", moment, note=text, public=True)
    record("letter.add_info", _target(letter), kind=letter.kind, waited_days=paused)
    return paused


@audited
def not_accept(letter: Letter, *, actor, reason: str, note: str = "") -> None:
    """不予受理, with the reason the writer reads (a duplicate, not this department's, abusive, or another said)."""
    _must_be_officer(actor)
    before = _check_state(letter, "not_accept")
    problems: dict[str, str] = {}
    if reason not in NOT_ACCEPTED_REASONS:
        problems["reason"] = str(_l("Choose the reason."))
    note = _text(problems, "note", note, limit=NOTE_LIMIT,
                 required=_l("Say why, in words the writer will read.") if reason in ("other", "out_of_scope")
                 else None)
    if problems:
        raise LetterError(problems)
    moment = now()
    _claim(letter, "not_accepted", moment)
    if letter.paused_since is not None:
        letter.paused_days += working_days_between(letter.paused_since.date(), moment.date())
        letter.paused_since = None
    letter.not_accepted_reason, letter.not_accepted_note = reason, note
    letter.closed_at = moment
    _event(letter, "not_accept", before, moment, actor=actor, note=note, public=True)
    record("letter.not_accept", _target(letter), kind=letter.kind, reason=reason)


# --- forwarding to another department ----------------------------------------------------------

@audited
@crosses_tenants("forwarding hands a letter to another department's site: its copy is written inside that site")
def forward_letter(letter: Letter, *, actor, to_site_id: int, note: str = "") -> Letter:
    """Forward the letter to another active site; return the copy made there.

    The copy, on the receiving site, is a new letter (state "new", its own
    reply limit from today) with the letter's text, the writer's details
    (encrypted again), the attachment and the history so far, and a line
    saying where it came from; it keeps the query code unless that site
    has it already. The note is for the receiving department's staff: it is
    kept apart from what the writer reads (who sees only where the letter
    went). The letter here becomes a read-only trace ("forwarded", with
    where to), which the writer's query follows to the copy. Both sites'
    audit logs record it.

    :raises LetterError: no such active site, this site itself, or a note that cannot be stored.
    """
    _must_be_officer(actor)
    before = _check_state(letter, "forward")
    source = db.session.get(Tenant, letter.tenant_id)
    target = db.session.get(Tenant, to_site_id) if isinstance(to_site_id, int) else None
    problems: dict[str, str] = {}
    if target is None or target.status != "active" or target.id == letter.tenant_id:
        problems["site"] = str(_l("Choose another department's site."))
    note = _text(problems, "note", note, limit=NOTE_LIMIT)
    if problems:
        raise LetterError(problems)
    moment = now()
    _claim(letter, "forwarded", moment)  # first: a second forward at once is refused before it copies anything
    events = history(letter)
    names = user_names(e.actor_id for e in events)
    attachment = None
    if letter.attachment_stored:
        path = upload_dir(letter.tenant_id) / FILES_SUBFOLDER / letter.attachment_stored
        if path.is_file():
            attachment = Upload(letter.attachment_name or letter.attachment_stored, path.read_bytes(),
                                letter.attachment_type)
    came = str(_l("Forwarded from %(site)s", site=source.name_zh))
    with activate_tenant(target.id):
        box = mailbox(letter.kind)
        days = box.reply_days if box is not None else platform_reply_days()
        code = letter.query_code
        while code_taken(code):
            code = new_query_code()
        copy = Letter(kind=letter.kind, query_code=code, subject=letter.subject, body=letter.body,
                      writer_name=letter.writer_name, phone=letter.phone, phone_hash=letter.phone_hash,
                      email=letter.email, text_hash=letter.text_hash, may_publish=letter.may_publish,
                      status="new", received_at=moment, first_received_at=letter.first_received_at
                      or letter.received_at, reply_days=days, due_on=add_working_days(moment.date(), days),
                      forwarded_from_id=source.id, forwarded_from_letter_id=letter.id)
        db.session.add(copy)
        db.session.flush()
        if attachment is not None:
            entry = write_upload(attachment, subfolder=FILES_SUBFOLDER)
            copy.attachment_name, copy.attachment_stored = entry["filename"], entry["stored_name"]
            copy.attachment_type, copy.attachment_size = entry["content_type"], entry["size"]
        for e in events:
            who = f"{source.name_zh} {names.get(e.actor_id, '')}".strip() if e.actor_id else ""
            db.session.add(LetterEvent(letter_id=copy.id, at=e.at, action=e.action, from_status=e.from_status,
                                       to_status=e.to_status, note=e.note, public=e.public,
                                       staff_note=e.staff_note, actor_text=e.actor_text or who))
        db.session.add(LetterEvent(letter_id=copy.id, at=moment, action="forwarded_in", from_status=None,
                                   to_status="new", note=came, staff_note=note, public=True,
                                   actor_text=source.name_zh))
        record("letter.forwarded_in", f"#{copy.id}", kind=copy.kind, from_site=source.name_zh,
               attachment=attachment is not None)
        db.session.flush()
    if letter.paused_since is not None:
        letter.paused_days += working_days_between(letter.paused_since.date(), moment.date())
        letter.paused_since = None
    letter.closed_at = moment
    letter.forwarded_to_id, letter.forwarded_letter_id = target.id, copy.id
    went = str(_l("Forwarded to %(site)s", site=target.name_zh))
    _event(letter, "forward", before, moment, actor=actor, public=True, note=went, staff_note=note)
    record("letter.forward", _target(letter), kind=letter.kind, to_site=target.name_zh)
    return copy


# --- publishing --------------------------------------------------------------------------------

@read_only
def publication_problem(letter: Letter) -> str | None:
    """Why this letter cannot be published now (None: it can)."""
    if letter.kind in NEVER_PUBLISHED_KINDS:
        return str(_l("Reports are never published."))
    if not letter.may_publish:
        return str(_l("The writer did not agree to publication."))
    if letter.status != "replied" or letter.replied_at is None:
        return str(_l("A letter is published once it has been replied to."))
    return None


@read_only
def masked_version(letter: Letter) -> dict[str, str]:
    """The subject, letter and reply as they would be published: the writer's name and any ID number, phone
    number or e-mail address in them masked (core.privacy.masking.mask_for_publication)."""
    names = [letter.writer_name]
    return {"subject": mask_for_publication(letter.subject, names), "body": mask_for_publication(letter.body, names),
            "reply": mask_for_publication(letter.reply, names)}


@audited
def publish_letter(letter: Letter, *, actor, subject: str, body: str, reply_text: str) -> PublishedLetter:
    """Publish a replied letter in "letters and replies" (来信选登), as the officer confirmed its masked version.

    The texts given are masked again (whatever the officer changed), so
    nothing that looks like an ID number, a phone number, an e-mail address
    or the writer's name reaches the public. Publishing again replaces the
    published version.

    :raises LetterError: a report (never published), no consent, not replied, or a text that cannot be stored.
    """
    _must_be_officer(actor)
    problem = publication_problem(letter)
    if problem:
        raise LetterError(problem)
    problems: dict[str, str] = {}
    names = [letter.writer_name]
    subject = mask_for_publication(_text(problems, "subject", subject, limit=SUBJECT_LIMIT, multiline=False,
                                         required=_l("Give the subject as published.")), names)
    body = mask_for_publication(_text(problems, "body", body, limit=BODY_LIMIT,
                                      required=_l("Give the letter as published.")), names)
    reply_text = mask_for_publication(_text(problems, "reply", reply_text, limit=REPLY_LIMIT,
                                            required=_l("Give the reply as published.")), names)
    if problems:
        raise LetterError(problems)
    moment = now()
    _claim(letter, letter.status, moment)  # two publishes at once: one is refused, not a second row
    published = published_of(letter)
    if published is None:
        published = PublishedLetter(letter_id=letter.id)
        db.session.add(published)
    published.kind, published.subject, published.body, published.reply = letter.kind, subject, body, reply_text
    published.reply_office = letter.reply_office
    published.received_on = (letter.first_received_at or letter.received_at).date()
    published.replied_on = letter.replied_at.date()
    published.published_at, published.published_by_id = moment, actor.id
    _event(letter, "publish", letter.status, moment, actor=actor)
    record("letter.publish", _target(letter), kind=letter.kind)
    return published


@audited
def unpublish_letter(letter: Letter, *, actor) -> None:
    """Take a letter off the published letters."""
    _must_be_officer(actor)
    published = published_of(letter)
    if published is None:
        raise LetterError(_l("This letter is not published."))
    moment = now()
    _claim(letter, letter.status, moment)
    db.session.delete(published)
    _event(letter, "unpublish", letter.status, moment, actor=actor)
    record("letter.unpublish", _target(letter), kind=letter.kind)


# --- the writer's rating; officers reading files -----------------------------------------------

@audited
def rate(letter: Letter, *, rating: str) -> None:
    """The writer rates the reply, once: satisfied, basically satisfied or dissatisfied."""
    if letter.status != "replied" or letter.replied_at is None:
        raise LetterError(_l("A reply can be rated once it has come."))
    if letter.rating is not None:
        raise LetterError(_l("This reply has been rated already."))
    if rating not in RATINGS:
        raise LetterError({"rating": _l("Choose one of the three.")})
    moment = now()
    _claim(letter, letter.status, moment, extra=(Letter.rating.is_(None),))
    letter.rating, letter.rated_at = rating, moment
    _event(letter, "rate", letter.status, moment, public=True)
    record("letter.rate", _target(letter), kind=letter.kind, rating=rating)


@audited
def note_attachment_download(letter: Letter, *, actor) -> None:
    """Record that an officer opened a writer's attachment (personal information: who read it is kept)."""
    _must_be_officer(actor)
    record("letter.attachment_download", _target(letter), kind=letter.kind)


# --- the site's mailboxes and options; the platform's limit ------------------------------------

@audited
def update_mailbox(kind: str, *, actor, enabled: bool, rules: str, reply_days: int | None) -> None:
    """The site's administrator switches a mailbox on or off, writes its rules, and may shorten its reply limit.

    `reply_days` (working days) may only be shorter than the platform's
    limit; None or the platform's own number keeps the platform's.

    :raises LetterError: an unknown kind, rules that cannot be stored, a limit below 1 or above the platform's.
    """
    if not can(actor, "site.settings.manage"):
        raise OperationForbidden(_l("Only the site's administrator sets up its mailboxes."))
    if kind not in MAILBOX_KINDS:
        raise LetterError(_l("There is no such mailbox."))
    problems: dict[str, str] = {}
    rules = _text(problems, "rules", rules, limit=RULES_LIMIT)
    platform = platform_reply_days()
    if reply_days is not None and not 1 <= reply_days <= platform:
        problems["reply_days"] = str(_l("A number of working days from 1 to %(n)s (the platform's limit).",
                                        n=platform))
    if problems:
        raise LetterError(problems)
    row = mailbox_row(kind)
    if row is None:
        row = Mailbox(kind=kind)
        db.session.add(row)
    row.enabled, row.rules = bool(enabled), rules
    row.reply_days = reply_days if reply_days is not None and reply_days < platform else None
    record("mailbox.update", kind, kind=kind, enabled=bool(enabled), reply_days=row.reply_days or platform)


@audited
def set_review_replies(*, actor, on: bool) -> None:
    """The site's administrator turns second-officer review of replies on or off.

    Review is switched on only when the site has at least REVIEW_OFFICERS
    interaction officers: with one, every reply would wait for a reviewer
    who does not exist.

    :raises LetterError: switching it on with fewer than two interaction officers.
    """
    if not can(actor, "site.settings.manage"):
        raise OperationForbidden(_l("Only the site's administrator sets up its mailboxes."))
    if on and len(officers()) < REVIEW_OFFICERS:
        raise LetterError({"review_replies": _l(
            "Review needs at least two interaction officers: one writes the reply, another approves it. This site "
            "has %(n)s. Give a second account the interaction officer role first.", n=len(officers()))})
    row = options_row()
    if row is None:
        row = LetterOptions()
        db.session.add(row)
    if row.review_replies == bool(on) and row.id is not None:
        return
    row.review_replies = bool(on)
    record("mailbox.review_replies", "", enabled=bool(on))


@audited
def set_platform_reply_days(days: int, *, actor) -> None:
    """The bureau sets every mailbox's reply limit, in working days (1 to MAX_REPLY_DAYS); sites may only shorten it.

    :raises LetterError: a number out of range.
    """
    if not can(actor, "platform.manage"):
        raise OperationForbidden(_l("Only the information bureau's administrators set this."))
    if not isinstance(days, int) or not 1 <= days <= MAX_REPLY_DAYS:
        raise LetterError({"reply_days": _l("A number of working days from 1 to %(n)s.", n=MAX_REPLY_DAYS)})
    before = platform_reply_days()
    set_setting(REPLY_DAYS_SETTING, str(days))
    record("letter.platform_reply_days", "", previous_days=before, days=days)


@audited
def record_early_warning(today: date) -> dict | None:
    """Record the active site's early warning in its audit log when it has letters past the early-warning line (or
    a letter already past the inspection's veto line); return its counts and the lines, or None when it has none
    (the daily job `interaction.warn_unanswered`)."""
    alerts = site_alerts(today)
    if not (alerts.warned or alerts.veto):
        return None
    lines = letter_lines()
    record("letter.early_warning", "", platform=False, warned=alerts.warned, overdue=alerts.overdue,
           veto=alerts.veto, warning_months=lines.warning_months, veto_months=lines.veto_months)
    return {"warned": alerts.warned, "veto": alerts.veto, "warning_months": lines.warning_months,
            "veto_months": lines.veto_months}
