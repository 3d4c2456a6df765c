"""Reading the publishing process: revisions and their differences, contributors, the queues."""
from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from sqlalchemy import func, select

from core.auth.models import User
from core.auth.permissions import can
from core.content.files import attachment_entries
from core.content.models import Article, ArticleRevision
from core.extensions import db
from core.publishing.workflow import PRE_PUBLICATION, QUEUES, change_steps, editing_permissions
from tenants.models import Tenant
from tenants.scoping import current_tenant_id

#: The fields an editor changes; a revision keeps exactly these.
TEXT_FIELDS = ("title", "summary", "body_html", "source", "author", "policy_level", "document_number",
               "issuing_body", "issued_on", "effective_on", "policy_status", "disclosure_category_id", "subject_id")


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def snapshot(article: Article) -> dict:
    """What the article says now, as a revision keeps it: the text fields and the attachment list."""
    data = {field: _plain(getattr(article, field)) for field in TEXT_FIELDS}
    data["attachments"] = attachment_entries(article)
    return data


def revision_data(found: ArticleRevision) -> dict:
    return json.loads(found.data)


def pending_data(article: Article) -> dict | None:
    """The text of the change waiting over a published item, or None when there is none."""
    if article.change_status is None or article.pending_revision is None:
        return None
    found = revision(article, article.pending_revision)
    return revision_data(found) if found is not None else None


def as_form_values(data: dict) -> dict:
    """A revision's fields as the article form reads them (dates as dates)."""
    values = {field: data.get(field) for field in TEXT_FIELDS}
    for field in ("issued_on", "effective_on"):
        if isinstance(values[field], str):
            values[field] = date.fromisoformat(values[field])
    return values


def revisions(article: Article) -> list[ArticleRevision]:
    return list(db.session.execute(select(ArticleRevision).where(ArticleRevision.article_id == article.id)
                                   .order_by(ArticleRevision.number.desc())).scalars())


def revision(article: Article, number: int) -> ArticleRevision | None:
    return db.session.execute(select(ArticleRevision).where(ArticleRevision.article_id == article.id,
                                                            ArticleRevision.number == number)).scalar_one_or_none()


def contributors(article: Article) -> set[int]:
    """Everyone who wrote or edited the item: they may not also review it."""
    ids = set(db.session.execute(select(ArticleRevision.saved_by_id)
                                 .where(ArticleRevision.article_id == article.id)).scalars())
    ids.add(article.created_by_id)
    ids.discard(None)
    return ids


def change_contributors(article: Article) -> set[int]:
    """Everyone who wrote the pending change (the revisions saved since it began): they may not review it."""
    ids = set(db.session.execute(select(ArticleRevision.saved_by_id).where(
        ArticleRevision.article_id == article.id,
        ArticleRevision.number > (article.change_base_revision or 0))).scalars())
    ids.discard(None)
    return ids


def review_own_forbidden() -> bool:
    """Whether the active site forbids reviewing one's own work (its setting; on unless turned off)."""
    return bool(db.session.execute(select(Tenant.review_own_forbidden)
                                   .where(Tenant.id == current_tenant_id())).scalar())


#: The steps that review someone's work: nobody takes them on work of their own (when the site says so).
REVIEW_STEPS = ("approve", "post_approve", "change_approve")


def own_work(article: Article, action: str, actor: User) -> bool:
    """Whether taking `action` would have the actor review their own work, on a site that forbids it."""
    if action not in REVIEW_STEPS or not review_own_forbidden():
        return False
    wrote = change_contributors(article) if action == "change_approve" else contributors(article)
    return actor.id in wrote


def queue_counts(actor: User) -> list[tuple[str, object, int]]:
    """How many items wait for each step the actor can take: (queue key, label, count)."""
    rows = dict(db.session.execute(select(Article.status, func.count()).where(Article.status.in_(PRE_PUBLICATION))
                                   .group_by(Article.status)).all())
    flagged = db.session.execute(select(func.count()).select_from(Article)
                                 .where(Article.needs_post_review.is_(True))).scalar()
    changes = dict(db.session.execute(select(Article.change_status, func.count())
                                      .where(Article.change_status.is_not(None))
                                      .group_by(Article.change_status)).all())
    counts = []
    for key, permission, label in QUEUES:
        if can(actor, permission):
            if key == "post_review":
                counts.append((key, label, flagged))
            elif key.startswith("change_"):
                counts.append((key, label, changes.get(key.removeprefix("change_"), 0)))
            else:
                counts.append((key, label, rows.get(key, 0)))
    return counts


def queue_panel() -> dict:
    """For the admin home's card: what waits for the signed-in user."""
    from flask_login import current_user

    return {"queues": queue_counts(current_user)}


def may_edit(article: Article, actor: User) -> bool:
    """Whether the actor may change the text now (a published item's: the text of its pending change)."""
    return any(can(actor, p) for p in editing_permissions(article.status, article.change_status))


def may_start_change(article: Article, actor: User) -> bool:
    """Whether the actor may begin a change over this published item's text."""
    return article.status == "published" and article.change_status is None and any(
        can(actor, t.permission) for t in change_steps(None))


#: Why the text cannot be changed in a state, for someone who may not change it then.
_FIXED_BECAUSE = {
    "collecting": _l("The item is being collected: only a collector can change its text now."),
    "editing": _l("The item is being edited: only an editor can change its text now."),
    "reviewing": _l("The item is waiting for review, so its text stays as it is. A reviewer can send it back "
                    "to the editor, who can then change it or restore a revision."),
    "approved": _l("The item is approved and waiting to be published, so its text stays as it is. A publisher "
                   "can send it back to the reviewer first."),
    "scheduled": _l("The item is scheduled to be published, so its text stays as it is. A publisher can cancel "
                    "the schedule and send it back first."),
    "withdrawn": _l("The item is withdrawn. An editor can reopen it for editing first."),
    "published": _l("The item is published. An editor or a publisher can correct it as a pending change, which "
                    "the public does not see until it is published."),
}
_CHANGE_FIXED_BECAUSE = {
    "editing": _l("A correction of this item is being edited: only an editor or a publisher can change it."),
    "reviewing": _l("A correction of this item is waiting for review, so its text stays as it is. A reviewer "
                    "can send it back to the editor first."),
    "approved": _l("A correction of this item is approved and waiting to be published, so its text stays as it "
                   "is. A publisher can send it back to the reviewer first."),
}


def edit_refusal(article: Article, actor: User) -> str | None:
    """Why the actor cannot change the text now, in words; None when they can (or can begin a change)."""
    if may_edit(article, actor) or may_start_change(article, actor):
        return None
    if article.status == "published" and article.change_status:
        return str(_CHANGE_FIXED_BECAUSE[article.change_status])
    return str(_FIXED_BECAUSE.get(article.status, _FIXED_BECAUSE["reviewing"]))
