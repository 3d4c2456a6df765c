"""Moving items through the publishing process, with revisions and a full trail.

Every operation takes the actor explicitly, checks what it needs against the
workflow table and the actor's permissions on the active site, writes the
audit log, and flushes without committing.
"""
from __future__ import annotations

import difflib
import json
import re
from datetime import date, datetime
from html import escape
from html.parser import HTMLParser

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.audit.operations import record
from core.auth.models import User
from core.auth.permissions import can
from core.content.models import Article, ArticleRevision
from core.content.operations import ContentError, Upload, check_upload, store_upload
from core.content.sanitize import clean_html
from core.extensions import db
from core.publishing.workflow import EDITABLE_IN, PRE_PUBLICATION, QUEUES, transition_for
from core.sections.models import POLICY_LEVELS, Section
from core.timeutil import now
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

#: The fields an editor changes; a revision keeps exactly these.
TEXT_FIELDS = ("title", "summary", "body_html", "source", "author", "policy_level", "document_number",
               "issuing_body", "issued_on", "effective_on", "policy_status")
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif")


class WorkflowError(ValueError):
    """A step refused, with a message for the user."""

    def __init__(self, message):
        super().__init__(str(message))


class WorkflowForbidden(WorkflowError):
    """The actor's roles do not allow the step."""


class StaleArticle(WorkflowError):
    """Someone saved the item after this form was opened."""


# --- sanitising, told to the author ---------------------------------------------------------

class _Markup(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: dict[str, int] = {}
        self.attributes: dict[str, int] = {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for name, value in attrs:
            key = name if not (value and re.match(r"\s*(javascript|data|vbscript):", value, re.I)) \
                else f"{name}={value.split(':', 1)[0].strip().lower()}:"
            self.attributes[key] = self.attributes.get(key, 0) + 1


def _markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html or "")
    parser.close()
    return parser


def removed_markup(original: str, cleaned: str) -> list[str]:
    """What sanitising took out, in words an author understands."""
    before, after = _markup(original), _markup(cleaned)
    removed = [f"<{tag}>" for tag, n in sorted(before.tags.items()) if after.tags.get(tag, 0) < n]
    removed += [f"{attr}" for attr, n in sorted(before.attributes.items())
                if attr not in ("rel",) and after.attributes.get(attr, 0) < n]
    return removed


# --- revisions -----------------------------------------------------------------------------

def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def snapshot(article: Article) -> dict:
    return {field: _plain(getattr(article, field)) for field in TEXT_FIELDS}


def _apply(article: Article, data: dict) -> None:
    for field in TEXT_FIELDS:
        value = data.get(field)
        if field in ("issued_on", "effective_on") and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(article, field, value if value is not None or field in ("policy_level", "policy_status",
                                                                        "issued_on", "effective_on") else "")


def add_revision(article: Article, actor: User | None, note: str = "") -> ArticleRevision:
    number = (db.session.execute(select(func.max(ArticleRevision.number))
                                 .where(ArticleRevision.article_id == article.id)).scalar() or 0) + 1
    revision = ArticleRevision(article_id=article.id, number=number, saved_by_id=actor.id if actor else None,
                               saved_by_name=actor.display_name if actor else "", note=note[:300],
                               data=json.dumps(snapshot(article), ensure_ascii=False))
    db.session.add(revision)
    return revision


def revisions(article: Article) -> list[ArticleRevision]:
    return list(db.session.execute(select(ArticleRevision).where(ArticleRevision.article_id == article.id)
                                   .order_by(ArticleRevision.number.desc())).scalars())


def revision(article: Article, number: int) -> ArticleRevision | None:
    return db.session.execute(select(ArticleRevision).where(ArticleRevision.article_id == article.id,
                                                            ArticleRevision.number == number)).scalar_one_or_none()


def diff_revisions(old: ArticleRevision, new: ArticleRevision) -> list[tuple[str, list[str]]]:
    """Line diffs, field by field, of what changed between two revisions."""
    a, b = json.loads(old.data), json.loads(new.data)
    changes = []
    for field in TEXT_FIELDS:
        if a.get(field) != b.get(field):
            before = _lines(a.get(field))
            after = _lines(b.get(field))
            changes.append((field, list(difflib.unified_diff(before, after, lineterm="", n=2))[2:]))
    return changes


def _lines(value) -> list[str]:
    text = "" if value is None else str(value)
    return re.sub(r"(</p>|<br\s*/?>|</h\d>|</li>)", r"\1\n", text).splitlines() or [""]


def contributors(article: Article) -> set[int]:
    """Everyone who wrote or edited the item: they may not also review it."""
    ids = set(db.session.execute(select(ArticleRevision.saved_by_id)
                                 .where(ArticleRevision.article_id == article.id)).scalars())
    ids.add(article.created_by_id)
    ids.discard(None)
    return ids


# --- writing ---------------------------------------------------------------------------------

def _clean_fields(fields: dict) -> tuple[dict, list[str]]:
    if not (fields.get("title") or "").strip():
        raise WorkflowError(_l("An article needs a title."))
    if fields.get("policy_level") and fields["policy_level"] not in POLICY_LEVELS:
        raise WorkflowError(_l("Unknown policy level."))
    cleaned = {k: (v.strip() if isinstance(v, str) and k != "body_html" else v) for k, v in fields.items()}
    body = fields.get("body_html") or ""
    if body.strip() and not re.search(r"<[a-zA-Z/!]", body):
        body = plain_text_to_html(body)  # typed without the editor (no JavaScript): keep its lines
    cleaned["body_html"] = clean_html(body)
    return cleaned, removed_markup(body, cleaned["body_html"])


def plain_text_to_html(text: str) -> str:
    """One paragraph per line of plain text, escaped."""
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


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
    add_revision(article, actor, str(_l("Created")))
    record("article.create", f"article:{article.id}", title=article.title, section=section.slug)
    db.session.flush()
    return article, removed


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
    add_revision(article, actor)
    record("article.save", f"article:{article.id}", title=article.title)
    db.session.flush()
    return removed


def restore_revision(article: Article, number: int, *, actor: User) -> None:
    permission = EDITABLE_IN.get(article.status)
    if permission is None or not can(actor, permission):
        raise WorkflowForbidden(_l("This item cannot be edited by you in its current state."))
    found = revision(article, number)
    if found is None:
        raise WorkflowError(_l("There is no such revision."))
    _apply(article, json.loads(found.data))
    db.session.flush()
    add_revision(article, actor, str(_l("Restored from revision %(n)s", n=number)))
    record("article.restore", f"article:{article.id}", revision=number)
    db.session.flush()


# --- moving through the process -------------------------------------------------------------

def _review_own_forbidden() -> bool:
    return db.session.execute(select(Tenant.review_own_forbidden).where(Tenant.id == current_tenant_id())).scalar()


def apply_transition(article: Article, action: str, *, actor: User, comment: str = "",
                     publish_at: datetime | None = None, expires_at: datetime | None = None) -> str:
    """Take one step of the process; return the new status.

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


# --- queues ---------------------------------------------------------------------------------

def queue_counts(actor: User) -> list[tuple[str, object, int]]:
    """How many items wait for each step the actor can take: (queue key, label, count)."""
    rows = dict(db.session.execute(select(Article.status, func.count()).where(Article.status.in_(PRE_PUBLICATION))
                                   .group_by(Article.status)).all())
    flagged = db.session.execute(select(func.count()).select_from(Article)
                                 .where(Article.needs_post_review.is_(True))).scalar()
    counts = []
    for key, permission, label in QUEUES:
        if can(actor, permission):
            counts.append((key, label, flagged if key == "post_review" else rows.get(key, 0)))
    return counts
