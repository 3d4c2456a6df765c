"""Moving items through the publishing process, with revisions and a full trail.

Every operation takes the actor explicitly, checks what it needs against the
workflow table and the actor's permissions on the active site, writes the
audit log, and flushes without committing.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit.log import record
from core.auth.models import User
from core.auth.permissions import can
from core.content.files import ContentError, Upload, check_upload, store_upload
from core.content.models import Article, ArticleRevision
from core.content.sanitize import clean_body
from core.extensions import db
from core.operations import OperationError, OperationForbidden, audited
from core.publishing.queries import TEXT_FIELDS, contributors, revision, snapshot
from core.publishing.workflow import EDITABLE_IN, transition_for
from core.sections.models import POLICY_LEVELS, Section
from core.text import column_problems
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif")


class WorkflowError(OperationError):
    """A step refused, with a message for the user."""


class WorkflowForbidden(WorkflowError, OperationForbidden):
    """The actor's roles do not allow the step."""


class StaleArticle(WorkflowError):
    """Someone saved the item after this form was opened."""


# --- writing ---------------------------------------------------------------------------------

def _apply(article: Article, data: dict) -> None:
    for field in TEXT_FIELDS:
        value = data.get(field)
        if field in ("issued_on", "effective_on") and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(article, field, value if value is not None or field in ("policy_level", "policy_status",
                                                                        "issued_on", "effective_on") else "")


def _add_revision(article: Article, actor: User | None, note: str = "") -> ArticleRevision:
    number = (db.session.execute(select(func.max(ArticleRevision.number))
                                 .where(ArticleRevision.article_id == article.id)).scalar() or 0) + 1
    found = ArticleRevision(article_id=article.id, number=number, saved_by_id=actor.id if actor else None,
                            saved_by_name=actor.display_name if actor else "", note=note[:300],
                            data=json.dumps(snapshot(article), ensure_ascii=False))
    db.session.add(found)
    return found


def _clean_fields(fields: dict) -> tuple[dict, list[str]]:
    if not (fields.get("title") or "").strip():
        raise WorkflowError(_l("An article needs a title."))
    if fields.get("policy_level") and fields["policy_level"] not in POLICY_LEVELS:
        raise WorkflowError(_l("Unknown policy level."))
    cleaned = {k: (v.strip() if isinstance(v, str) and k != "body_html" else v) for k, v in fields.items()}
    problems = column_problems(Article, {k: v for k, v in cleaned.items() if k != "body_html"}, multiline=("summary",))
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
    cleaned, removed = _clean_fields(fields)
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


@audited
def save_article(article: Article, *, actor: User, fields: dict, expected_version: int,
                 uploads: list[Upload] = (), remove_attachments: list[int] = ()) -> list[str]:
    """Save an edit; refused when it is not the actor's turn or the item changed meanwhile."""
    permission = EDITABLE_IN.get(article.status)
    if permission is None or not can(actor, permission):
        raise WorkflowForbidden(_l("This item cannot be edited by you in its current state."))
    if article.version != expected_version:
        raise StaleArticle(_l("Someone saved this item after you opened it. Your text is kept below; "
                              "compare it with the saved version before saving again."))
    cleaned, removed = _clean_fields(fields)
    _check_uploads(list(uploads))
    _apply(article, cleaned)
    for attachment in list(article.attachments):
        if attachment.id in remove_attachments:
            article.attachments.remove(attachment)
    for upload in uploads:
        store_upload(article, upload)
    db.session.flush()  # bumps the version; a concurrent save fails here instead of overwriting
    _add_revision(article, actor)
    record("article.save", f"article:{article.id}", title=article.title)
    db.session.flush()
    return removed


@audited
def restore_revision(article: Article, number: int, *, actor: User) -> None:
    permission = EDITABLE_IN.get(article.status)
    if permission is None or not can(actor, permission):
        raise WorkflowForbidden(_l("This item cannot be edited by you in its current state."))
    found = revision(article, number)
    if found is None:
        raise WorkflowError(_l("There is no such revision."))
    _apply(article, json.loads(found.data))
    db.session.flush()
    _add_revision(article, actor, str(_l("Restored from revision %(n)s", n=number)))
    record("article.restore", f"article:{article.id}", revision=number)
    db.session.flush()


# --- moving through the process -------------------------------------------------------------

def _review_own_forbidden() -> bool:
    return db.session.execute(select(Tenant.review_own_forbidden).where(Tenant.id == current_tenant_id())).scalar()


@audited
def apply_transition(article: Article, action: str, *, actor: User, comment: str = "",
                     publish_at: datetime | None = None, expires_at: datetime | None = None,
                     share_to_portal: bool | None = None) -> str:
    """Take one step of the process; return the new status.

    `share_to_portal` (publish and force_publish only) also lists the item in the city portal's news.

    :raises WorkflowForbidden: the actor's roles do not allow the step.
    :raises WorkflowError: the step does not exist from this state, or lacks its comment.
    """
    step = transition_for(action, article.status)
    if step is None or (action == "post_approve" and not article.needs_post_review):
        raise WorkflowError(_l("This step is not possible for an item that is '%(status)s'.",
                               status=_status_label(article.status)))
    if not can(actor, step.permission):
        raise WorkflowForbidden(_l("Your roles here do not allow this step."))
    comment = comment.strip()
    if step.needs_comment and not comment:
        raise WorkflowError(_l("Say why, in the comment: it goes to the person who gets the item."))
    if action in ("approve", "post_approve") and _review_own_forbidden() and actor.id in contributors(article):
        raise WorkflowForbidden(_l("You wrote or edited this item, so someone else must review it."))
    moment = now()
    if expires_at is not None and expires_at <= (publish_at or moment):
        raise WorkflowError(_l("The item would come down before it goes up: check the expiry time."))
    previous = article.status
    if share_to_portal is not None and action in ("publish", "force_publish"):
        article.share_to_portal = share_to_portal
    if action == "publish":
        article.expires_at = expires_at
        if publish_at is not None and publish_at > moment:
            article.status, article.publish_at = "scheduled", publish_at
        else:
            article.status, article.published_at, article.publish_at = "published", moment, None
    elif action == "force_publish":
        article.status, article.published_at = "published", moment
        article.needs_post_review, article.force_reason = True, comment
        article.expires_at = expires_at
    elif action == "post_approve":
        article.needs_post_review = False
    elif action == "withdraw":
        article.status, article.withdrawn_at, article.publish_at = "withdrawn", moment, None
    elif action == "unschedule":
        article.status, article.publish_at = "approved", None
    else:
        article.status = step.target
    record(f"article.{action}", f"article:{article.id}", title=article.title, comment=comment,
           **{"from": previous, "to": article.status})
    db.session.flush()
    return article.status


def _status_label(status: str) -> str:
    from core.publishing.workflow import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))


@audited
def run_due(moment: datetime) -> dict[str, int]:
    """Publish what is scheduled for now or earlier, and take down what has expired (the active site).

    Idempotent: only items still in the state to be moved are touched, so a
    re-run publishes nothing twice.
    """
    counts = {"published": 0, "expired": 0}
    due = db.session.execute(select(Article).where(Article.status == "scheduled", Article.publish_at <= moment)
                             .with_for_update(skip_locked=True)).scalars().all()
    for article in due:
        article.status, article.published_at = "published", article.publish_at
        record("article.scheduled_publish", f"article:{article.id}", title=article.title, platform=False)
        counts["published"] += 1
    expired = db.session.execute(select(Article).where(Article.status == "published", Article.expires_at <= moment)
                                 .with_for_update(skip_locked=True)).scalars().all()
    for article in expired:
        article.status, article.withdrawn_at = "withdrawn", moment
        record("article.expire", f"article:{article.id}", title=article.title, platform=False)
        counts["expired"] += 1
    db.session.flush()
    return counts


