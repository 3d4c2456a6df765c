"""What the feeds read: the sections that list articles, a site's news sections, their newest public items."""
from __future__ import annotations

from sqlalchemy import select

from core.content.models import Article
from core.content.queries import published
from core.extensions import db
from core.sections.models import Section
from core.sections.queries import request_sections

#: The kinds of section whose page is a list of articles (core.content draws them): each has a feed.
FEED_KINDS = ("article_list", "policy_list")
#: The update class (core.sections.models.UPDATE_CLASSES) of the sections that make up a site's news feed:
#: the news-like ones (工作动态、要闻), which the national inspection expects to change every two weeks.
NEWS_CLASS = "news"


def has_feed(section) -> bool:
    """Whether `section` (any object; a template's `section` may be None or something else) has a feed."""
    return isinstance(section, Section) and section.kind in FEED_KINDS


def feed_section(slug: str) -> Section | None:
    """The active site's section of that address name when it lists articles, else None."""
    return next((s for s in request_sections() if s.slug == slug and has_feed(s)), None)


def news_sections() -> list[Section]:
    """The active site's news sections that list articles, in navigation order (the site's news feed's sources)."""
    return [s for s in request_sections() if has_feed(s) and s.update_class == NEWS_CLASS]


def newest_articles(section_ids: list[int], limit: int) -> list[Article]:
    """The newest items of these sections the public reads now (published, inside their window), newest first,
    `limit` at most (one query; the same condition and order as the section's own page)."""
    if not section_ids:
        return []
    return list(db.session.execute(
        select(Article).where(Article.section_id.in_(section_ids), published())
        .order_by(Article.public_at.desc(), Article.id.desc()).limit(limit)).scalars())
