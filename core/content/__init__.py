"""Articles and attachments: the content of every site, its public pages, and the city-wide notice."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.content import audit_labels

    audit_labels.register()  # the audit log's words for this module's actions
    from core.content import cli, jobs, views  # noqa: F401  (jobs: its @scheduled declarations)
    from core.content.labels import human_size, policy_level_label, policy_status_label
    from core.content.queries import (articles_by_section, next_public_change, public_articles_by_section,
                                      sitemap_pages)
    from core.sections.queries import add_item_counter
    from core.web.cache import add_next_change

    from core.content.links import article_url
    from core.content.parts import article_parts

    app.jinja_env.globals.update(policy_level_label=policy_level_label, policy_status_label=policy_status_label,
                                 article_parts=article_parts)
    app.jinja_env.filters["article_url"] = article_url  # `{{ a.id|article_url }}`: a list's links, see links.py
    app.jinja_env.filters["filesize"] = human_size  # a file's size in words: "12 bytes", "1.5 KB", "3.2 MB"
    add_item_counter(articles_by_section, published=public_articles_by_section)
    add_next_change(next_public_change)  # no cached page outlives an item's time to come or go
    from core.web.sitemaps import add_public_pages

    add_public_pages("site", sitemap_pages)  # every public article, in the site's sitemap
    views.init_app(app)
    cli.init_app(app)
