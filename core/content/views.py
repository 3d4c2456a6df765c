"""Content's pages: an article and its files, the lists of article sections, the console's city-wide notice."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, request, send_from_directory, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit.queries import platform_log
from core.content.files import ContentError, download_type, upload_dir
from core.content.forms import NoticeForm
from core.content.models import Attachment
from core.content.operations import push_city_notice
from core.content.queries import public_article, section_page as list_page
from core.extensions import db
from core.forms import show_problems
from core.sections.models import POLICY_LEVELS, Section
from core.sections.queries import request_sections
from core.sections.pages import section_page
from core.web import add_menu_item, cached_page, page_number, route
from core.content.sanitize import summary_opens_body
from themes import render_page

bp = Blueprint("content", __name__, template_folder="templates")


@section_page("article_list", "policy_list", "forms", None)
def article_section(section: Section, children: list[Section]):
    """A section of articles (or, until their modules draw them, of any other kind): newest first, paged."""
    level = request.args.get("level") or None
    if level is not None and (section.kind != "policy_list" or level not in POLICY_LEVELS):
        abort(404)
    page = page_number()
    pagination = list_page(section, page, current_app.config["PAGE_SIZE"], policy_level=level)
    if page > 1 and page > (pagination.pages or 1):
        abort(404)
    return render_page("content/section.html", section=section, children=children, pagination=pagination,
                       level=level, levels=POLICY_LEVELS)


@route(bp, "/articles/<int:article_id>", permission=None)
@cached_page
def article(article_id: int):
    found = public_article(article_id)
    if found is None:
        abort(404)
    section = next(s for s in request_sections() if s.id == found.section_id)
    return render_page("content/article.html", article=found, section=section,
                       show_summary=bool(found.summary) and not summary_opens_body(found.summary, found.body_html))


@route(bp, "/attachments/<int:attachment_id>/<path:filename>", permission=None)
def attachment(attachment_id: int, filename: str):
    found = db.session.execute(select(Attachment).where(Attachment.id == attachment_id)).scalar_one_or_none()
    if found is None or found.filename != filename or public_article(found.article_id) is None:
        abort(404)
    # The type follows the stored file's extension (the allow-list's), never what an uploader claimed.
    response = send_from_directory(upload_dir(found.tenant_id), found.stored_name, as_attachment=True,
                                   download_name=found.filename,
                                   mimetype=download_type(found.stored_name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not found.filename.isascii():
        # Old clients read only filename=: give them a name that says what it is, not a bare ".pdf".
        fallback = f"attachment-{found.id}.{found.stored_name.rsplit('.', 1)[-1]}"
        response.headers["Content-Disposition"] = (f'attachment; filename="{fallback}"; '
                                                   f"filename*=UTF-8''{quote(found.filename, safe='')}")
    return response


@route(bp, "/platform/notices", permission="platform.view", write="platform.manage", host="platform",
       methods=("GET", "POST"))
def platform_notices():
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            reached, skipped = push_city_notice(title=form.title.data, body=form.body.data)
        except ContentError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("The notice was published on %(n)s sites.", n=len(reached))), "success")
            if skipped:
                flash(str(_l("These sites have no notices section and did not get it: %(sites)s",
                             sites=", ".join(s.slug for s in skipped))), "error")
            return redirect(url_for("content.platform_notices"))
    sent = db.session.execute(platform_log("notice.push").limit(20)).scalars().all()
    return render_page("content/platform_notices.html", form=form, sent=sent)


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "platform", "content.platform_notices", _l("City-wide notice"), "platform.view", order=50)
