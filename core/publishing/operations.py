"""Moving items through the publishing process, with revisions and a full trail.

Every operation takes the actor explicitly, checks what it needs against the
workflow table and the actor's permissions on the active site, writes the
audit log, and flushes without committing.

A published item is corrected by a *change*: a draft over its live text, kept
in revisions (the article's own fields stay what the public sees) until it has
gone through the same steps as a new item and is published. The newest
revision is always what the item says now: its own text, or the text of its
pending change.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit.log import record
from core.auth.models import User
from core.auth.permissions import can
from core.content.backdating import backdate_margin_days
from core.content.filing import FILING_FIELDS, filing_problems
from core.content.files import ContentError, Upload, apply_attachment_entries, check_upload, store_upload, write_upload
from core.content.models import Article, ArticleRevision
from core.content.sanitize import clean_body
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited
from core.publishing.queries import (TEXT_FIELDS, edit_refusal, may_edit, own_work, pending_data, revision,
                                     revision_data, snapshot)
from core.publishing.workflow import CHANGE_STATUS_LABELS, STATUS_LABELS, Transition, step_rows
from core.sections.models import POLICY_LEVELS, Section
from core.text import column_problems
from core.timeutil import now

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif")
#: The text fields that stay empty (NULL) rather than "" when not given.
NULLABLE_FIELDS = ("policy_level", "policy_status", "issued_on", "effective_on") + FILING_FIELDS


class WorkflowError(OperationError):
    """A step refused, with a message for the user."""


class WorkflowForbidden(WorkflowError, OperationForbidden):
    """The actor's roles (or the site's rule on reviewing one's own work) do not allow the step."""


class StaleArticle(WorkflowError):
    """Someone saved the item after this form was opened."""


# --- writing ---------------------------------------------------------------------------------

def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _apply(article: Article, data: dict) -> None:
    for field in TEXT_FIELDS:
        value = data.get(field)
        if field in ("issued_on", "effective_on") and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(article, field, value if value is not None or field in NULLABLE_FIELDS else "")


def _apply_files(article: Article, data: dict) -> list[str]:
    """Bring back a revision's attachment list (a revision from before they kept one leaves the files as they are)."""
    if "attachments" not in data:
        return []
    return apply_attachment_entries(article, data["attachments"])


def _add_revision(article: Article, actor: User | None, note: str = "", data: dict | None = None) -> ArticleRevision:
    """Keep what the item says now (or `data`, a change's text) as its next revision."""
    db.session.flush()  # new files get their ids before the revision lists them
    number = (db.session.execute(select(func.max(ArticleRevision.number))
                                 .where(ArticleRevision.article_id == article.id)).scalar() or 0) + 1
    found = ArticleRevision(article_id=article.id, number=number, saved_by_id=actor.id if actor else None,
                            saved_by_name=actor.display_name if actor else "", note=note[:300],
                            data=json.dumps(snapshot(article) if data is None else data, ensure_ascii=False))
    db.session.add(found)
    db.session.flush()
    return found


def _clean_fields(fields: dict, section_id: int) -> tuple[dict, list[str]]:
    """The fields as they are kept, and what cleaning the body removed.

    :raises WorkflowError: no title or an unknown policy level; a character no column holds, or filing the
        section requires and the fields lack (core.content.filing), under its field.
    """
    if not (fields.get("title") or "").strip():
        raise WorkflowError(_l("An article needs a title."))
    if fields.get("policy_level") and fields["policy_level"] not in POLICY_LEVELS:
        raise WorkflowError(_l("Unknown policy level."))
    cleaned = {k: (v.strip() if isinstance(v, str) and k != "body_html" else v) for k, v in fields.items()}
    problems = column_problems(Article, {k: v for k, v in cleaned.items() if k != "body_html"}, multiline=("summary",))
    problems.update(filing_problems(section_id, cleaned))
    if problems:
        raise WorkflowError(problems)
    body = clean_body(fields.get("body_html") or "")  # typed without the editor (no JavaScript): its lines kept
    cleaned["body_html"] = body.html
    return cleaned, body.removed


def _check_uploads(uploads: list[Upload]) -> None:
    for upload in uploads:
        try:
            check_upload(upload)
        except ContentError as error:
            raise WorkflowError(str(error)) from None
        extension = upload.filename.rsplit(".", 1)[-1].lower()
        if extension in IMAGE_EXTENSIONS and not upload.alt_text.strip():
            raise WorkflowError(_l("Describe the image '%(name)s' in a few words (its alternative text).",
                                   name=upload.filename))


@audited
def create_draft(*, section: Section, actor: User, fields: dict, uploads: list[Upload] = ()) -> tuple[Article, list[str]]:
    """A collector starts an item in a section of the active site."""
    if not can(actor, "content.collect"):
        raise WorkflowForbidden(_l("Your roles here do not include collecting items."))
    cleaned, removed = _clean_fields(fields, section.id)
    _check_uploads(list(uploads))
    article = Article(section_id=section.id, status="collecting", created_by_id=actor.id, published_at=None)
    _apply(article, cleaned)
    db.session.add(article)
    db.session.flush()
    for upload in uploads:
        store_upload(article, upload)
    _add_revision(article, actor, str(_l("Created")))
    record("article.create", f"article:{article.id}", title=article.title, section=section.slug)
    db.session.flush()
    return article, removed


def _check_editable(article: Article, actor: User) -> None:
    if not may_edit(article, actor):
        raise WorkflowForbidden(edit_refusal(article, actor) or _l("You cannot change this item's text now."))


@audited
def save_article(article: Article, *, actor: User, fields: dict, expected_version: int,
                 uploads: list[Upload] = (), remove_attachments: list[str] = ()) -> list[str]:
    """Save an edit (of a published item: of its pending change); refused when it is not the actor's turn
    or the item changed meanwhile. `remove_attachments` are the stored names of the files to take off
    (their rows go; their files stay while a revision lists them)."""
    _check_editable(article, actor)
    if article.version != expected_version:
        raise StaleArticle(_l("Someone saved this item after you opened it. Your text is kept below; "
                              "compare it with the saved version before saving again."))
    cleaned, removed = _clean_fields(fields, article.section_id)
    _check_uploads(list(uploads))
    if article.change_status is not None:
        _save_change(article, actor, cleaned, uploads, remove_attachments)
        return removed
    _apply(article, cleaned)
    for attachment in list(article.attachments):
        if attachment.stored_name in remove_attachments:
            article.attachments.remove(attachment)  # the row goes; the file stays for the revisions
    for upload in uploads:
        store_upload(article, upload)
    db.session.flush()  # bumps the version; a concurrent save fails here instead of overwriting
    _add_revision(article, actor)
    record("article.save", f"article:{article.id}", title=article.title)
    db.session.flush()
    return removed


def _save_change(article: Article, actor: User, cleaned: dict, uploads, remove_attachments) -> None:
    """Save the text of a pending change as its next revision; the live fields stay untouched."""
    data = pending_data(article) or snapshot(article)
    data.update({field: _plain(cleaned.get(field)) for field in TEXT_FIELDS})
    files = [entry for entry in data.get("attachments", []) if entry["stored_name"] not in remove_attachments]
    files += [write_upload(upload) for upload in uploads]
    data["attachments"] = files
    found = _add_revision(article, actor, str(_l("Correction of the published text")), data=data)
    article.pending_revision = found.number  # bumps the version: a concurrent save fails at this flush
    db.session.flush()
    record("article.change_save", f"article:{article.id}", title=data.get("title"), revision=found.number)


def _begin_change(article: Article, actor: User) -> ArticleRevision:
    """Open a change over the published text: a revision holding the live text is where it begins."""
    base = _add_revision(article, actor, str(_l("Published text, where a correction begins")))
    article.change_status, article.change_base_revision, article.pending_revision = "editing", base.number, base.number
    return base


@audited
def restore_revision(article: Article, number: int, *, actor: User) -> list[str]:
    """Make a revision's text and files the item's again, as a new revision; return files no longer on disk.

    On a published item the public text stays: the revision becomes (or replaces the text of) its pending change.

    :raises WorkflowForbidden: the actor may not change the text in this state (the message says why).
    """
    starting = article.status == "published" and article.change_status is None
    if not (may_edit(article, actor) or (starting and _allowed_row("change_start", "none", actor, article))):
        raise WorkflowForbidden(edit_refusal(article, actor) or _l("You cannot change this item's text now."))
    found = revision(article, number)
    if found is None:
        raise WorkflowError(_l("There is no such revision."))
    data = revision_data(found)
    if article.status == "published":
        if starting:
            _begin_change(article, actor)
            record("article.change_start", f"article:{article.id}", title=article.title, restoring=number)
        pending = {**(pending_data(article) or snapshot(article)), **{f: data.get(f) for f in TEXT_FIELDS}}
        if "attachments" in data:
            pending["attachments"] = data["attachments"]
        note = str(_l("Restored from revision %(n)s, as a correction of the published text", n=number))
        article.pending_revision = _add_revision(article, actor, note, data=pending).number
        record("article.restore", f"article:{article.id}", revision=number, pending=True)
        db.session.flush()
        return []
    _apply(article, data)
    missing = _apply_files(article, data)
    db.session.flush()
    _add_revision(article, actor, str(_l("Restored from revision %(n)s", n=number)))
    record("article.restore", f"article:{article.id}", revision=number,
           **({"missing_files": missing} if missing else {}))
    db.session.flush()
    return missing


# --- moving through the process -------------------------------------------------------------

def _allowed_row(action: str, status: str, actor: User, article: Article) -> Transition | None:
    """The row of the table that lets the actor take `action` from `status`, or None."""
    return next((t for t in step_rows(action, status) if can(actor, t.permission)), None)


def _checked_step(article: Article, action: str, status: str, actor: User, comment: str) -> Transition:
    """The step the actor takes, after every rule: it exists, their roles allow it, its comment, own work.

    :raises WorkflowForbidden: the roles, or the rule on reviewing one's own work, do not allow it.
    :raises WorkflowError: the step does not exist from this state, or lacks its comment.
    """
    rows = step_rows(action, status)
    if not rows or (action == "post_approve" and not article.needs_post_review):
        label = CHANGE_STATUS_LABELS.get(status) if action.startswith("change_") else STATUS_LABELS.get(status)
        raise WorkflowError(_l("This step is not possible for an item that is '%(status)s'.",
                               status=label or status))
    step = _allowed_row(action, status, actor, article)
    if step is None:
        raise WorkflowForbidden(_l("Your roles here do not allow this step."))
    if step.needs_comment and not comment:
        raise WorkflowError(_l("Say why, in the comment: it goes to the person who gets the item."))
    if own_work(article, action, actor):
        raise WorkflowForbidden(_l("You wrote or edited this, and this site has someone else review each "
                                   "item, so another reviewer must approve it."))
    return step


def _drop_change(article: Article) -> int | None:
    """Set a pending change aside (its text stays in the revisions); return its revision, if there was one."""
    pending = article.pending_revision if article.change_status is not None else None
    article.change_status = article.pending_revision = article.change_base_revision = None
    return pending


def _refuse_unfiled(section_id: int, filing: dict) -> None:
    """Every way an item's text goes public asks the filing rule again (core.content.filing): a revision restored
    from before filing was required, or a section moved, must not put an unfiled item in the disclosure column.

    :raises WorkflowError: with the rule's reasons.
    """
    unfiled = filing_problems(section_id, filing)
    if unfiled:
        raise WorkflowError(_l("File the item in the disclosure catalogue before it is published: %(why)s",
                               why=" ".join(str(m) for m in unfiled.values())))


def _backdated(article: Article, dated: date, reason: str, publish_at: datetime | None, moment: datetime) -> datetime:
    """The publication moment of an item published with an earlier date, once the rule on back-dating allows it.

    An item may show the date it was issued (a document signed before it was entered) rather than today's; when
    that date is more than `backdate_margin_days()` days before the day the item was written (the bureau's line,
    core.content.backdating), the publisher says why
    (kept with the item and in the log): without a reason the evaluation counts such an item as a forged date.

    :raises WorkflowError: a date in the future, a time to publish given as well, or no reason beyond the margin
        (under "backdate_reason").
    """
    if dated > moment.date():
        raise WorkflowError({"dated": _l("The publication date cannot be later than today: to publish later, "
                                         "give a time to publish instead.")})
    if publish_at is not None and publish_at > moment:
        raise WorkflowError({"dated": _l("An item dated earlier is published now: leave the time to publish "
                                         "empty.")})
    written = (article.created_at or moment).date()
    margin = backdate_margin_days()
    if (written - dated).days > margin and not reason:
        raise WorkflowError({"backdate_reason": _l(
            "The date is more than %(n)s days before the item was written (%(written)s): say why, e.g. the day the "
            "document was signed.", n=margin, written=written.isoformat())})
    problems = column_problems(Article, {"backdate_reason": reason})
    if problems:
        raise WorkflowError(problems)
    return moment if dated == moment.date() else datetime.combine(dated, moment.time())


@audited
def apply_transition(article: Article, action: str, *, actor: User, comment: str = "",
                     publish_at: datetime | None = None, expires_at: datetime | None = None,
                     share_to_portal: bool | None = None, dated: date | None = None,
                     backdate_reason: str = "") -> str:
    """Take one step of the process; return the new status.

    `share_to_portal` (publish and force_publish only) also lists the item in the city portal's news.
    `dated` (publish and force_publish only): the publication date of an item issued earlier, with
    `backdate_reason` when it is more than the back-dating margin before the item was written (`_backdated`).

    :raises WorkflowForbidden: the actor's roles do not allow the step.
    :raises WorkflowError: the step does not exist from this state, or lacks its comment; a back-dating the rule
        refuses.
    """
    comment = comment.strip()
    backdate_reason = " ".join(backdate_reason.split())
    step = _checked_step(article, action, article.status, actor, comment)
    moment = now()
    if expires_at is not None and expires_at <= (publish_at or moment):
        raise WorkflowError(_l("The item would come down before it goes up: check the expiry time."))
    going_up = None
    if dated is not None and action in ("publish", "force_publish"):
        going_up = _backdated(article, dated, backdate_reason, publish_at, moment)
    if action in ("publish", "force_publish"):
        _refuse_unfiled(article.section_id, {f: getattr(article, f) for f in FILING_FIELDS})
    previous = article.status
    if share_to_portal is not None and action in ("publish", "force_publish"):
        article.share_to_portal = share_to_portal
    extra = {}
    if going_up is not None:
        article.backdate_reason = backdate_reason
        extra["backdated_to"] = going_up.date().isoformat()
        if backdate_reason:
            extra["backdate_reason"] = backdate_reason
    if action == "publish":
        article.expires_at = expires_at
        if publish_at is not None and publish_at > moment and going_up is None:
            article.status, article.publish_at = "scheduled", publish_at
        else:
            article.status, article.published_at, article.publish_at = "published", going_up or moment, None
    elif action == "force_publish":
        article.status, article.published_at = "published", going_up or moment
        article.needs_post_review, article.force_reason = True, comment
        article.expires_at = expires_at
    elif action == "post_approve":
        article.needs_post_review = False
    elif action == "withdraw":
        article.status, article.withdrawn_at, article.publish_at = "withdrawn", moment, None
        dropped = _drop_change(article)
        if dropped is not None:
            extra["correction_set_aside"] = dropped  # its text stays in revision `dropped`
    elif action == "unschedule":
        article.status, article.publish_at = "approved", None
    else:
        article.status = step.target
    record(f"article.{action}", f"article:{article.id}", title=article.title, comment=comment,
           **{"from": previous, "to": article.status}, **extra)
    db.session.flush()
    return article.status


@audited
def apply_change_step(article: Article, action: str, *, actor: User, comment: str = "") -> list[str]:
    """Take one step of a published item's change (begin, send on, send back, approve, publish, discard).

    Publishing it gives the live fields and files the change's text, keeps the
    first publication date and notes when the item was revised; a publisher's
    urgent publication past review leaves the item flagged until a reviewer
    approves it. Returns the names of listed files no longer on disk (left out).

    :raises WorkflowForbidden: the actor's roles, or the rule on reviewing one's own work, do not allow it.
    :raises WorkflowError: the step does not exist now, or lacks its comment.
    """
    comment = comment.strip()
    if article.status != "published":
        raise WorkflowError(_l("Only a published item is corrected this way; this one is '%(status)s'.",
                               status=STATUS_LABELS.get(article.status, article.status)))
    state = article.change_status or "none"
    step = _checked_step(article, action, state, actor, comment)
    missing: list[str] = []
    detail = {"comment": comment, "from": state, "to": step.target}
    if action == "change_start":
        detail["revision"] = _begin_change(article, actor).number
    elif action == "change_discard":
        detail["revision"] = _drop_change(article)
        _add_revision(article, actor, str(_l("Correction discarded: the published text again")))
    elif step.target == "live":
        data = pending_data(article)
        if data is None:
            raise WorkflowError(_l("There is no correction to publish."))
        _refuse_unfiled(article.section_id, {f: data.get(f) for f in FILING_FIELDS})
        detail["revision"] = article.pending_revision
        _apply(article, data)
        missing = _apply_files(article, data)
        _drop_change(article)
        article.revised_at = now()
        if action == "change_force_publish":
            article.needs_post_review, article.force_reason = True, comment
        if missing:
            detail["missing_files"] = missing
    else:
        article.change_status = step.target
    record(f"article.{action}", f"article:{article.id}", title=article.title, **detail)
    db.session.flush()
    return missing


@audited
def run_due(moment: datetime) -> dict[str, int]:
    """Publish what is scheduled for now or earlier, and take down what has expired (the active site).

    Idempotent: only items still in the state to be moved are touched, so a
    re-run publishes nothing twice. An item the filing rule refuses (core.content.filing) is not published:
    it goes back to approved ("held"), to be filed and published by hand.
    """
    counts = {"published": 0, "expired": 0}
    due = db.session.execute(select(Article).where(Article.status == "scheduled", Article.publish_at <= moment)
                             .with_for_update(skip_locked=True)).scalars().all()
    for article in due:
        if filing_problems(article.section_id, {f: getattr(article, f) for f in FILING_FIELDS}):
            # Its section was moved into the disclosure column since it was scheduled: it waits, approved, to be
            # filed and published again rather than go up unfiled (or stay "scheduled" and show as public).
            article.status, article.publish_at = "approved", None
            record("article.schedule_held", f"article:{article.id}", title=article.title, platform=False)
            counts["held"] = counts.get("held", 0) + 1
            continue
        article.status, article.published_at = "published", article.publish_at
        record("article.scheduled_publish", f"article:{article.id}", title=article.title, platform=False)
        counts["published"] += 1
    expired = db.session.execute(select(Article).where(Article.status == "published", Article.expires_at <= moment)
                                 .with_for_update(skip_locked=True)).scalars().all()
    for article in expired:
        article.status, article.withdrawn_at = "withdrawn", moment
        dropped = _drop_change(article)
        record("article.expire", f"article:{article.id}", title=article.title, platform=False,
               **({"correction_set_aside": dropped} if dropped is not None else {}))
        counts["expired"] += 1
    db.session.flush()
    return counts
