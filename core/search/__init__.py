"""Search (搜索): every site's search and the city's, over what the public can read.

The guideline names the lack of a working query function as a main fault of poor sites, and national practice
treats search as a service (搜索即服务). The parts: `terms` (how Chinese and English text is cut into terms, how a
query is read, highlighting), `backend` (the full-text index on SQLite and PostgreSQL), `documents` (what each
article, service item and published letter contributes), `indexing` (entries written in the same transaction as
their source), `queries` (searching, filters, ranking), `statistics` (what people search for, per site and day),
`operations` (the bureau's synonyms), `views`, `cli`.
"""
from __future__ import annotations


def init_app(app) -> None:
    from core.backups.archive_import import SITE_IMPORTED
    from core.search import audit_labels, cli, indexing, statistics, views

    audit_labels.register()
    statistics.init_app(app)
    views.init_app(app)
    cli.init_app(app)
    if indexing.reindex_site not in SITE_IMPORTED:
        SITE_IMPORTED.append(indexing.reindex_site)
