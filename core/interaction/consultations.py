"""Public consultations, the changes: drafting, publishing, withdrawing, the public's opinions, decisions, summary.

Every function is an operation (`@audited`): it checks the rules, writes,
records its audit entry, flushes, never commits. The audit log names a
consultation by its number and title and an opinion by its number, never the
sender's name or mobile number (the site's administrators read the log).

The life of a consultation::

    draft ──publish──▶ published ──(its open day comes)──▶ open ──(its close day ends)──▶ closed
      ▲                  │                                                                 │
      └────withdraw──────┘  (only before its open day)                 publish the summary ▼
                                                                                       concluded

Once its window opens a consultation stays public until and after its summary:
the public's opinions are on its draft, and what was done with them must be
published (a draft that must change is put to a new consultation). So a
withdrawn consultation never carries opinions, and publishing it again
(after changing its draft) cannot mix opinions on two drafts.

The window is whole days of the city's calendar (China time, `core.timeutil`):
opinions are taken from 00:00 of the open day through 23:59:59 of the close
day, both days included; the summary can be published from 00:00 of the day
after the close day, once every opinion has a decision.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from core import timeutil
from core.audit.log import record
from core.auth.permissions import can
from core.content.files import ContentError, Upload, check_upload, write_upload
from core.content.sanitize import clean_body, plain_text
from core.extensions import db
from core.interaction.models_consultations import DECISIONS, Consultation, Opinion
from core.interaction.queries_consultations import decision_counts, phase, undecided_count
from core.operations import OperationError, OperationForbidden, audited, read_only
from core.privacy.checks import is_mobile, normalise_mobile
from core.services.fields import FieldSpec, file_problem
from core.text import column_problems, text_problem

#: The draft as a document: these types only (a government draft is a document, not an image or an archive).
DOCUMENT_EXTENSIONS = ("pdf", "doc", "docx", "wps", "ofd")
#: Longest opinion, in characters (about two pages): longer is refused, with the text kept in the form.
OPINION_LIMIT = 2000
#: Longest draft text and summary, in characters of their stored HTML / text.
BODY_LIMIT = 200_000
SUMMARY_LIMIT = 20_000
REASON_LIMIT = 1000
NAME_LIMIT = 50
#: The longest window, in days (both ends included), and how far from today its days may be, in years.
MAX_WINDOW_DAYS = 180
YEARS_BACK, YEARS_AHEAD = 1, 2
#: The fields a draft's edit may change, as the audit entry lists them.
EDIT_FIELDS = ("title", "office", "open_on", "close_on", "body_html", "how_to", "document")

#: What each decision is called, for the officers, the summary and the audit log.
DECISION_LABELS = {
    "adopted": _l("Adopted"),
    "partly_adopted": _l("Partly adopted"),
    "not_adopted": _l("Not adopted"),
    "set_aside": _l("Set aside (not an opinion on the draft)"),
}
#: A consultation's state as stored (the audit log's "from" and "to").
STATE_LABELS = {"draft": lazy_pgettext("consultation state", "Draft"),
                "published": lazy_pgettext("consultation state", "Published"),
                "withdrawn": lazy_pgettext("consultation state", "Withdrawn")}
#: Where a consultation stands (core.interaction.queries_consultations.phase), as officers and the public read it.
PHASE_LABELS = {
    "draft": _l("Draft"),
    "upcoming": _l("Not open yet"),
    "open": _l("Taking opinions"),
    "closed": _l("Closed, summary to come"),
    "concluded": _l("Feedback published"),
    "withdrawn": _l("Withdrawn"),
}


class ConsultationError(OperationError):
    """A consultation, an opinion or a step refused, with what is wrong (under a field when there is one)."""


def _target(consultation: Consultation) -> str:
    return f"#{consultation.id}"


def _must(actor, permission: str, message) -> None:
    if not can(actor, permission):
        raise OperationForbidden(message)


# --- drafting ----------------------------------------------------------------------------------

def _checked(*, title: str, office: str, open_on: date | None, close_on: date | None, body_html: str,
             how_to: str, has_document: bool) -> dict:
    """The draft's fields, cleaned and checked together; raise with every problem at once."""
    title, office, how_to = (title or "").strip(), (office or "").strip(), (how_to or "").strip()
    body = clean_body(body_html or "").html
    if not plain_text(body) and "<img" not in body:
        body = ""
    problems = column_problems(Consultation, {"title": title, "office": office, "how_to": how_to},
                               multiline=("how_to",))
    if not title:
        problems["title"] = str(_l("Give the draft's title, e.g. 《廊坊市就业补贴管理办法（征求意见稿）》."))
    if not office:
        problems["office"] = str(_l("Name the office that drafted it and receives the opinions."))
    if open_on is None:
        problems["open_on"] = str(_l("Give the first day opinions are taken."))
    if close_on is None:
        problems["close_on"] = str(_l("Give the last day opinions are taken."))
    today = timeutil.now().date()
    earliest, latest = date(today.year - YEARS_BACK, 1, 1), date(today.year + YEARS_AHEAD, 12, 31)
    for field, day in (("open_on", open_on), ("close_on", close_on)):
        if day is not None and not earliest <= day <= latest:
            problems[field] = str(_l("Give a day from %(first)s to %(last)s.", first=earliest.isoformat(),
                                     last=latest.isoformat()))
    if open_on is not None and close_on is not None and close_on <= open_on:
        problems["close_on"] = str(_l("The last day must come after the first day."))
    elif open_on is not None and close_on is not None and (close_on - open_on).days + 1 > MAX_WINDOW_DAYS \
            and "close_on" not in problems:
        problems["close_on"] = str(_l("A consultation takes opinions for at most %(n)s days.", n=MAX_WINDOW_DAYS))
    if len(body) > BODY_LIMIT:
        problems["body_html"] = str(_l("The text is too long to keep here: attach it as a document instead."))
    if not body and not has_document:
        problems["body_html"] = str(_l("Give the draft's text, or attach the draft as a document below (or both)."))
    if problems:
        raise ConsultationError(problems)
    return {"title": title, "office": office, "open_on": open_on, "close_on": close_on, "body_html": body,
            "how_to": how_to}


def _check_document(upload: Upload) -> None:
    try:
        check_upload(upload)
    except ContentError as error:
        raise ConsultationError({"document": error.message}) from None
    extension = upload.filename.strip().rsplit(".", 1)[-1].lower()
    if extension not in DOCUMENT_EXTENSIONS:
        raise ConsultationError({"document": _l("The draft must be a document: %(allowed)s.",
                                                allowed=", ".join(DOCUMENT_EXTENSIONS))})
    # Its content must be of the type its name says, as letters' and applications' files are (an .exe or a web
    # page renamed .pdf or .doc, an archive renamed .ofd, is refused).
    spec = FieldSpec(key="document", type="file", label="", extensions=DOCUMENT_EXTENSIONS,
                     max_mb=current_app.config["MAX_ATTACHMENT_BYTES"] / 1048576)
    problem = file_problem(spec, upload.filename, upload.data)
    if problem:
        raise ConsultationError({"document": problem})


def _store_document(consultation: Consultation, upload: Upload) -> None:
    entry = write_upload(upload)
    consultation.document_filename = entry["filename"]
    consultation.document_stored_name = entry["stored_name"]
    consultation.document_content_type = entry["content_type"]
    consultation.document_size = entry["size"]


@read_only
def editable(consultation: Consultation, moment: datetime | None = None) -> bool:
    """Whether the draft may still be changed: until its window opens (people comment on what they read)."""
    return phase(consultation, moment) in ("draft", "withdrawn", "upcoming")


@audited
def create_consultation(*, actor, title: str, office: str, open_on: date | None, close_on: date | None,
                        body_html: str = "", how_to: str = "", document: Upload | None = None) -> Consultation:
    """Draft a consultation (not public until published): the draft's text and/or document, its office, its window.

    `open_on` and `close_on` are days of the city's calendar, both included in the window; the close day must
    come after the open day. A document must be one of DOCUMENT_EXTENSIONS within the platform's size limit.

    :raises ConsultationError: under the form's field names ("title", "office", "open_on", "close_on",
        "body_html", "document").
    :raises OperationForbidden: the actor may not edit content.
    """
    _must(actor, "content.edit", _l("Only the site's editors draft consultations."))
    if document is not None:
        _check_document(document)
    values = _checked(title=title, office=office, open_on=open_on, close_on=close_on, body_html=body_html,
                      how_to=how_to, has_document=document is not None)
    moment = timeutil.now()
    consultation = Consultation(**values, status="draft", created_by_id=actor.id, created_at=moment,
                                updated_at=moment)
    db.session.add(consultation)
    if document is not None:
        _store_document(consultation, document)
    db.session.flush()
    record("consultation.create", _target(consultation), title=consultation.title,
           opens=open_on.isoformat(), closes=close_on.isoformat())
    return consultation


@audited
def update_consultation(consultation: Consultation, *, actor, title: str, office: str, open_on: date | None,
                        close_on: date | None, body_html: str = "", how_to: str = "", document: Upload | None = None,
                        remove_document: bool = False) -> list[str]:
    """Change a draft (before its window opens); a new document replaces the old, `remove_document` drops it.

    Returns the names of the fields that changed (EDIT_FIELDS); nothing changed records nothing.

    :raises ConsultationError: as `create_consultation`, or under no field once the window has opened.
    :raises OperationForbidden: the actor may not edit content.
    """
    _must(actor, "content.edit", _l("Only the site's editors change consultations."))
    if not editable(consultation):
        raise ConsultationError(_l("The consultation has opened: its draft can no longer change. If the draft "
                                   "must change, put the new draft to a new consultation."))
    if document is not None:
        _check_document(document)
    keeps_document = document is not None or (consultation.document_stored_name is not None and not remove_document)
    values = _checked(title=title, office=office, open_on=open_on, close_on=close_on, body_html=body_html,
                      how_to=how_to, has_document=keeps_document)
    if consultation.status == "published" and values["close_on"] < timeutil.now().date():
        raise ConsultationError({"close_on": _l("A published consultation's last day cannot be in the past.")})
    changed = [name for name, value in values.items() if getattr(consultation, name) != value]
    for name, value in values.items():
        setattr(consultation, name, value)
    if document is not None:
        _store_document(consultation, document)
        changed.append("document")
    elif remove_document and consultation.document_stored_name is not None:
        consultation.document_filename = consultation.document_stored_name = None
        consultation.document_content_type = consultation.document_size = None
        changed.append("document")
    if changed:
        consultation.updated_at = timeutil.now()
        record("consultation.update", _target(consultation), title=consultation.title, changed=changed)
    return changed


@audited
def publish_consultation(consultation: Consultation, *, actor) -> None:
    """Put the draft before the public: listed at once, taking opinions from its open day through its close day.

    :raises ConsultationError: it is already published, or its close day has passed (set new days first).
    :raises OperationForbidden: the actor may not publish content.
    """
    _must(actor, "content.publish", _l("Only the site's publishers publish consultations."))
    if consultation.status == "published":
        raise ConsultationError(_l("The consultation is already published."))
    today = timeutil.now().date()
    if consultation.close_on < today:
        raise ConsultationError({"close_on": _l("Its last day (%(day)s) has passed: set new days, then publish.",
                                                day=consultation.close_on.isoformat())})
    before = consultation.status
    consultation.status = "published"
    consultation.published_at = timeutil.now()
    consultation.withdrawn_at = None
    record("consultation.publish", _target(consultation), title=consultation.title,
           opens=consultation.open_on.isoformat(), closes=consultation.close_on.isoformat(),
           **{"from": before, "to": consultation.status})


@audited
def withdraw_consultation(consultation: Consultation, *, actor, reason: str) -> None:
    """Take a published consultation off the public site before its window opens, saying why.

    Once it has opened, the public may have sent opinions on its draft: the
    record stays public until the summary says what was done with them (and
    after). So a withdrawn consultation has no opinions, and publishing it
    again on a changed draft cannot mix opinions on two drafts.

    :raises ConsultationError: it is not published, its window has opened, or no reason.
    :raises OperationForbidden: the actor may not publish content.
    """
    _must(actor, "content.publish", _l("Only the site's publishers withdraw consultations."))
    if consultation.status != "published":
        raise ConsultationError(_l("Only a published consultation can be withdrawn."))
    if consultation.summary_published_at is not None:
        raise ConsultationError(_l("Its feedback summary is published: the whole record stays public."))
    if phase(consultation) != "upcoming":
        raise ConsultationError(_l("It has opened: the public's opinions are on this draft, so the record stays "
                                   "public until its feedback summary is published. If the draft must change, put "
                                   "the new draft to a new consultation."))
    reason = (reason or "").strip()
    problem = text_problem(reason, multiline=True, max_length=REASON_LIMIT)
    if not reason:
        problem = str(_l("Say why it is withdrawn (kept in the audit log)."))
    if problem:
        raise ConsultationError({"reason": problem})
    consultation.status = "withdrawn"
    consultation.withdrawn_at = timeutil.now()
    record("consultation.withdraw", _target(consultation), title=consultation.title, reason=reason,
           **{"from": "published", "to": "withdrawn"})


# --- the public's opinions ---------------------------------------------------------------------

@audited
def submit_opinion(consultation: Consultation, *, body: str, part: str = "", name: str = "",
                   phone: str = "") -> Opinion:
    """A member of the public sends an opinion on a draft, while its window is open (China time, both days included).

    `name` and `phone` are optional (for a follow-up) and stored encrypted; the phone must be a mainland
    mobile number. The opinion is at most OPINION_LIMIT characters.

    :raises ConsultationError: the window is not open (before the open day, after the close day, not
        published), or under "body", "part", "name", "phone".
    """
    state = phase(consultation)
    if state != "open":
        raise ConsultationError(_l("This consultation is not taking opinions now.") if state != "upcoming" else
                                _l("This consultation takes opinions from %(day)s.",
                                   day=consultation.open_on.isoformat()))
    problems: dict[str, str] = {}
    body, part, name, phone = (body or "").strip(), (part or "").strip(), (name or "").strip(), (phone or "").strip()
    if not body:
        problems["body"] = str(_l("Write your opinion."))
    else:
        problem = text_problem(body, multiline=True, max_length=OPINION_LIMIT)
        if problem:
            problems["body"] = problem
    problems.update(column_problems(Opinion, {"part": part}))
    problem = text_problem(name, max_length=NAME_LIMIT)
    if problem:
        problems["name"] = problem
    if phone and not is_mobile(phone):
        problems["phone"] = str(_l("A mobile number has 11 digits and starts with 13 to 19."))
    if problems:
        raise ConsultationError(problems)
    opinion = Opinion(consultation_id=consultation.id, body=body, part=part, name=name or None,
                      phone=normalise_mobile(phone) if phone else None, submitted_at=timeutil.now())
    db.session.add(opinion)
    db.session.flush()
    record("consultation.opinion", _target(consultation), title=consultation.title, opinion=opinion.id)
    return opinion


# --- the department's decisions and summary ----------------------------------------------------

@audited
def decide_opinion(opinion: Opinion, consultation: Consultation, *, actor, decision: str, reason: str = "") -> None:
    """Mark an opinion adopted, partly adopted, not adopted, or set aside (not an opinion on the draft), with why.

    A reason is needed for every decision but "adopted". Decisions may be changed until the summary is out.

    :raises ConsultationError: the summary is published already, or under "decision" / "reason".
    :raises OperationForbidden: the actor does not handle interaction.
    """
    _must(actor, "interaction.handle", _l("Only the site's interaction officers decide on opinions."))
    if opinion.consultation_id != consultation.id:
        raise ConsultationError(_l("This opinion belongs to another consultation."))
    if consultation.summary_published_at is not None:
        raise ConsultationError(_l("The feedback summary is published: the decisions are final."))
    problems: dict[str, str] = {}
    if decision not in DECISIONS:
        problems["decision"] = str(_l("Choose what was decided."))
    reason = (reason or "").strip()
    problem = text_problem(reason, multiline=True, max_length=REASON_LIMIT)
    if problem:
        problems["reason"] = problem
    elif not reason and decision in DECISIONS and decision != "adopted":
        problems["reason"] = str(_l("Say why: the summary reports what was not adopted and why."))
    if problems:
        raise ConsultationError(problems)
    before = opinion.decision
    if before == decision and opinion.reason == reason:
        return
    opinion.decision, opinion.reason = decision, reason
    opinion.decided_by_id, opinion.decided_at = actor.id, timeutil.now()
    record("consultation.decide", _target(consultation), title=consultation.title, opinion=opinion.id,
           **{"from": before, "to": decision})


@audited
def publish_summary(consultation: Consultation, *, actor, summary_text: str) -> dict[str, int]:
    """Publish the feedback summary of a closed consultation; return the counts it shows (by decision, and "total").

    Refused before the window has closed (the day after the close day, China time), while an opinion has no
    decision, and when the summary is out already. The counts are computed from the decisions, never typed.

    :raises ConsultationError: under "summary_text", or under no field for the state.
    :raises OperationForbidden: the actor does not handle interaction.
    """
    _must(actor, "interaction.handle", _l("Only the site's interaction officers publish the feedback summary."))
    state = phase(consultation)
    if state == "concluded":
        raise ConsultationError(_l("The feedback summary is published already."))
    if state != "closed":
        raise ConsultationError(_l("The summary can be published once the consultation has closed (after "
                                   "%(day)s).", day=consultation.close_on.isoformat())
                                if state in ("open", "upcoming") else
                                _l("Only a published consultation gets a feedback summary."))
    waiting = undecided_count(consultation)
    if waiting:
        raise ConsultationError(_l("%(n)s opinions have no decision yet: decide on each one first.", n=waiting))
    text = (summary_text or "").strip()
    problem = text_problem(text, multiline=True, max_length=SUMMARY_LIMIT)
    if not text:
        problem = str(_l("Write the summary: which opinions were adopted and why, which were not and why."))
    if problem:
        raise ConsultationError({"summary_text": problem})
    counts = decision_counts(consultation.id)
    consultation.summary_text = text
    consultation.summary_published_at = timeutil.now()
    consultation.summary_by_id = actor.id
    record("consultation.summary", _target(consultation), title=consultation.title, **counts)
    return counts


@audited
def note_export(consultation: Consultation, *, actor, file_format: str, rows: int) -> None:
    """Record that an officer exported a consultation's opinions (personal data: who took them is kept)."""
    _must(actor, "interaction.handle", _l("Only the site's interaction officers export opinions."))
    record("consultation.export", _target(consultation), title=consultation.title, format=file_format,
           opinions=rows)
