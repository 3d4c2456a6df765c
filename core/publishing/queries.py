"""Reading the publishing process: revisions and their differences, contributors, the queues."""
from __future__ import annotations

import difflib
import json
import re
from datetime import date, datetime

from sqlalchemy import func, select

from core.auth.models import User
from core.auth.permissions import can
from core.content.models import Article, ArticleRevision
from core.extensions import db
from core.publishing.workflow import PRE_PUBLICATION, QUEUES

#: The fields an editor changes; a revision keeps exactly these.
TEXT_FIELDS = ("title", "summary", "body_html", "source", "author", "policy_level", "document_number",
               "issuing_body", "issued_on", "effective_on", "policy_status")


def _plain(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def snapshot(article: Article) -> dict:
    return {field: _plain(getattr(article, field)) for field in TEXT_FIELDS}


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


def queue_panel() -> dict:
    """For the admin home's card: what waits for the signed-in user."""
    from flask_login import current_user

    return {"queues": queue_counts(current_user)}
