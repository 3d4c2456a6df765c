"""Government information disclosure (政务公开): the bureau's lists (the categories every site must publish, the
subject classification), filing items in the catalogue with their index numbers, the public disclosure column,
policy interpretation, the coverage of the categories, and disclosure on application (依申请公开).

The parts: `operations` (the lists), `filing` (where filing is required: content's hooks), `index_numbers`
(索引号), `column` (the column's pages), `column_parts` (the column found, its parts given), `interpretations`
(政策解读), `queries_catalogue` (the catalogue and the counts the coverage pages and the yearly report read),
`applications` (依申请公开: applying, tracking, the officers' steps, the yearly counts); views: `views` (the
console's lists), `views_public`, `views_column` (a site's pages and links), `views_coverage`,
`views_applications`. The yearly report (政府信息公开工作年度报告): `report_layout` (the national template),
`report_queries` (its figures, deadlines, every site's report of a year), `report` (preparing it, audited),
`views_report` (the site's pages, the portal's list, the console's).
"""
from __future__ import annotations

from core.disclosure import models_applications, models_report  # noqa: F401  (the tables, for the ORM and Alembic)


def init_app(app) -> None:
    from core.disclosure import audit_labels, filing, index_numbers  # noqa: F401  (index_numbers: its flush hook)
    from core.disclosure import jobs  # noqa: F401  (its @scheduled declaration: closing unclarified applications)

    audit_labels.register()  # the audit log's words for this module's actions
    filing.register()  # content's filing hooks: the lists, and where filing is required
    from core.disclosure import views, views_column, views_coverage, views_public
    from core.disclosure.column_parts import give_new_site_its_column
    from core.disclosure.labels import interpretation_kind_label
    from tenants.provisioning import site_created

    site_created.connect(give_new_site_its_column)
    app.jinja_env.globals.update(interpretation_kind_label=interpretation_kind_label)
    views.init_app(app)
    views_public.init_app(app)
    views_column.init_app(app)
    views_coverage.init_app(app)
    from core.disclosure import audit_labels_applications, views_applications

    audit_labels_applications.register()
    from core.disclosure.queries_applications import open_deadlines
    from core.workdays.deadlines import add_deadline_source

    add_deadline_source(open_deadlines)  # due dates follow the calendar when a year is entered or changed
    views_applications.init_app(app)
    from core.disclosure.queries_catalogue import portal_sitemap_pages, sitemap_pages
    from core.web.sitemaps import add_public_pages

    add_public_pages("site", sitemap_pages)  # the catalogue, in the site's sitemap
    add_public_pages("portal", portal_sitemap_pages)  # every site's yearly report, in the portal's
    from core.disclosure import audit_labels_report, views_report

    audit_labels_report.register()
    views_report.init_app(app)
