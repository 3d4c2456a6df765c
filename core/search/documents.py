"""What each kind of public thing contributes to search: its entry's values, or None when the public cannot see it.

One function per source model, reading only what the public page of that thing shows: an article's live
title, summary and text (never a pending change), a service item's *published* guide (never the working copy),
a published letter's masked question and reply. `SOURCES` maps each model to its function; `core.search.indexing`
calls them at every flush.
"""
from __future__ import annotations

from datetime import datetime

from core.content.models import Article
from core.content.sanitize import plain_text
from core.interaction.models import NEVER_PUBLISHED_KINDS, PublishedLetter
from core.services.guide import TEXT_FIELDS, is_public, published
from core.services.models import ServiceItem


#: The fields of an entry that only an article has (filing, policy details): empty for the other kinds.
_NOT_FILED = {"public_until": None, "filed": False, "index_number": None, "policy_level": None, "policy_status": None,
              "issuing_body": "", "document_number": "", "issued_on": None}


def article_entry(article: Article) -> dict | None:
    """An article's entry: published (or scheduled, from its time to go out), until its take-down time."""
    if article.status not in ("published", "scheduled"):
        return None
    public_from = article.published_at if article.status == "published" else article.publish_at
    if public_from is None:
        return None
    return {
        "kind": "policy" if article.policy_level else "article",
        "ref_id": article.id,
        "section_id": article.section_id,
        "title": article.title,
        "text": " ".join(part for part in (article.summary or "", plain_text(article.body_html or ""),
                                           article.document_number or "", article.issuing_body or "") if part),
        "public_from": public_from,
        "public_until": article.expires_at,
        "filed": bool(article.index_number),
        "index_number": article.index_number,
        "policy_level": article.policy_level,
        "policy_status": article.policy_status,
        "issuing_body": article.issuing_body or "",
        "document_number": article.document_number or "",
        "issued_on": article.issued_on,
    }


def service_entry(item: ServiceItem) -> dict | None:
    """A service item's entry, from its published guide, while it is in the catalogue."""
    guide = published(item) if is_public(item) else None
    if guide is None:
        return None
    parts = [str(guide.get(field) or "") for field in TEXT_FIELDS]
    parts += [str(m.get("name") or "") for m in guide.get("materials") or [] if isinstance(m, dict)]
    parts += [f"{s.get('title') or ''} {s.get('description') or ''}" for s in guide.get("steps") or []
              if isinstance(s, dict)]
    parts += [str(f.get("title") or "") for f in guide.get("forms") or [] if isinstance(f, dict)]
    return {
        "kind": "service",
        "ref_id": item.id,
        "section_id": None,
        "title": item.name,
        "text": " ".join([item.code or ""] + [p for p in parts if p.strip()]),
        "public_from": item.published_at or datetime(2000, 1, 1),
        **_NOT_FILED,
    }


def letter_entry(letter: PublishedLetter) -> dict | None:
    """A published letter's entry (来信选登): its masked subject, question and reply. A report is never one."""
    if letter.kind in NEVER_PUBLISHED_KINDS:
        return None
    return {
        "kind": "letter",
        "ref_id": letter.id,
        "section_id": None,
        "title": letter.subject,
        "text": f"{letter.body} {letter.reply} {letter.reply_office or ''}",
        "public_from": letter.published_at,
        **_NOT_FILED,
    }


#: model -> (the entry's kinds it writes, the function giving its entry).
SOURCES = {
    Article: (("article", "policy"), article_entry),
    ServiceItem: (("service",), service_entry),
    PublishedLetter: (("letter",), letter_entry),
}
