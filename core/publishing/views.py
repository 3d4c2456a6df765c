"""The publishing pages of a site's admin: lists and queues, the article form, steps, revisions."""
from __future__ import annotations

from datetime import datetime, time
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from core.audit.queries import entries_about
from core.auth.models import User
from core.auth.permissions import can
from core.content.files import Upload
from core.content.models import Article, STATUSES
from core.extensions import db
from core.forms import choices
from core.i18n import localized
from core.publishing.forms import ArticleForm, BulkForm, StepForm
from core.publishing.operations import (StaleArticle, WorkflowError, apply_transition, create_draft,
                                        restore_revision, save_article)
from core.publishing.queries import TEXT_FIELDS, diff_revisions, queue_panel, revision, revisions
from core.publishing.workflow import EDITABLE_IN, STATUS_LABELS, TRANSITIONS, available
from core.sections.queries import site_sections
from core.web import add_menu_item, add_panel, get_or_404, int_arg, page_number, route
from core.web.actions import attempt
from core.web.loading import parse_int
from core.timeutil import now
from jobs.lease import scheduler_running
from themes import render_page

bp = Blueprint("publishing", __name__, template_folder="templates")
PREFIX = "/admin/articles"
PER_PAGE = 30
LIST_KINDS = ("article_list", "policy_list", "service_items", "forms", "online_services", "interaction")
BULK_ACTIONS = ("submit", "approve", "publish", "withdraw")


def _sections():
    return [s for s in site_sections() if s.kind in LIST_KINDS]


def _article(article_id: int) -> Article:
    """An article of this site (the query is tenant-scoped) with its files, or 404."""
    return get_or_404(Article, article_id, selectinload(Article.attachments))


def _date_arg(name: str):
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return datetime.strptime(raw, "%Y-%m-%d")
    except ValueError:
        abort(404)


@route(bp, f"{PREFIX}/", permission="admin.enter", write="content.work", methods=("GET", "POST"))
def index():
    sections = _sections()
    bulk = BulkForm()
    bulk.action.choices = choices((t.action, t.label) for t in TRANSITIONS if t.action in BULK_ACTIONS
                                  and t.source[0] in ("collecting", "reviewing", "approved", "published")
                                  and (t.action, t.source) != ("submit", ("editing",)))
    if request.method == "POST":
        return _bulk(bulk)
    query = select(Article)
    status = request.args.get("status", "")
    queue = request.args.get("queue", "")
    if status in STATUSES:
        query = query.where(Article.status == status)
    if queue == "post_review":
        query = query.where(Article.needs_post_review.is_(True))
    section_id = int_arg("section")
    if section_id:
        query = query.where(Article.section_id == section_id)
    author_id = int_arg("author")
    if author_id:
        query = query.where(Article.created_by_id == author_id)
    start, end = _date_arg("from"), _date_arg("to")
    if start:
        query = query.where(Article.created_at >= start)
    if end:
        query = query.where(Article.created_at < datetime.combine(end.date(), time.max))
    text = request.args.get("q", "").strip()
    if text:
        query = query.where(or_(Article.title.contains(text, autoescape=True),
                                Article.source.contains(text, autoescape=True)))
    pagination = db.paginate(query.order_by(Article.updated_at.desc(), Article.id.desc()), page=page_number(),
                             per_page=PER_PAGE, error_out=False)
    bulk.ids.choices = [(a.id, a.title) for a in pagination.items]
    authors = db.session.execute(select(User).where(User.id.in_(select(Article.created_by_id).distinct()))
                                 .order_by(User.display_name)).scalars().all()
    by_section = {s.id: s for s in site_sections()}
    return render_page("publishing/index.html", scheduler_down=_scheduler_down(), pagination=pagination,
                       sections=sections, by_section=by_section, statuses=STATUS_LABELS, authors=authors, bulk=bulk,
                       filters={k: request.args.get(k, "") for k in ("status", "section", "author", "from", "to", "q",
                                                                      "queue")})


def _bulk(bulk: BulkForm):
    ids = [parse_int(raw, minimum=1) for raw in request.form.getlist("ids")]
    bulk.ids.choices = [(i, str(i)) for i in ids if i is not None]
    if not bulk.validate_on_submit() or not bulk.ids.data:
        flash(str(_l("Choose items and a step.")), "error")
        return redirect(url_for("publishing.index"))
    done, refused = 0, []
    for article_id in bulk.ids.data:
        article = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one_or_none()
        if article is None:
            continue
        try:
            with db.session.begin_nested():
                apply_transition(article, bulk.action.data, actor=current_user, comment=bulk.comment.data or "")
            done += 1
        except WorkflowError as error:
            refused.append(f"{article.title}: {error}")
    db.session.commit()
    flash(str(_l("%(n)s items moved on.", n=done)), "success" if done else "info")
    for line in refused:
        flash(line, "error")
    return redirect(url_for("publishing.index"))


def _scheduler_down() -> bool:
    """For a publisher's pages: no scheduler holds the lease, so item states are not kept in step."""
    return can(current_user, "content.publish") and not scheduler_running(now())


def _uploads(form: ArticleForm) -> list[Upload]:
    upload = form.attachment.data
    if upload and getattr(upload, "filename", ""):
        return [Upload(upload.filename, upload.read(), upload.mimetype, form.attachment_alt.data or "")]
    return []


def _fields(form: ArticleForm) -> dict:
    values = {field: getattr(form, field).data for field in TEXT_FIELDS}
    values["policy_level"] = values["policy_level"] or None
    values["policy_status"] = values["policy_status"] or None
    return values


@route(bp, f"{PREFIX}/new", permission="content.collect", methods=("GET", "POST"))
def new():
    sections = _sections()
    form = ArticleForm()
    form.section_id.choices = choices((str(s.id), localized(s)) for s in sections)
    if request.method == "GET":
        news = next((s.id for s in sections if s.mandatory_key == "news"), None)
        form.section_id.data = int_arg("section") or news
    removed: list[str] = []
    if form.validate_on_submit():
        section = next((s for s in sections if s.id == form.section_id.data), None)
        if section is None:
            abort(404)
        done, result = attempt(create_draft, section=section, actor=current_user, fields=_fields(form),
                               uploads=_uploads(form), form=form)
        if done:
            article, removed = result
            db.session.commit()
            _tell_removed(removed)
            flash(str(_l("Draft saved.")), "success")
            return redirect(url_for("publishing.edit", article_id=article.id))
    return render_page("publishing/edit.html", form=form, article=None, step_form=None, steps=[], history=[],
                       trail=None, section=None, editable=True)


def _tell_removed(removed: list[str]) -> None:
    if removed:
        flash(str(_l("For safety, the text was cleaned: removed %(what)s.", what=", ".join(removed))), "warning")


def _editable(article: Article) -> bool:
    """Whether the current user may change the text now (the state decides whose turn it is)."""
    permission = EDITABLE_IN.get(article.status)
    return permission is not None and can(current_user, permission)


def _edit_form(article: Article, **kwargs) -> ArticleForm:
    form = ArticleForm(obj=article, **kwargs)
    del form.section_id
    form.remove_attachments.choices = [(a.id, a.filename) for a in article.attachments]
    return form


@route(bp, f"{PREFIX}/<int:article_id>", permission="admin.enter", write="content.work", methods=("GET", "POST"))
def edit(article_id: int):
    article = _article(article_id)
    editable = _editable(article)
    form = _edit_form(article)
    stale = None
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit():
            done, removed = attempt(save_article, article, actor=current_user, fields=_fields(form),
                                    expected_version=parse_int(form.version.data or "") or 0,
                                    uploads=_uploads(form), remove_attachments=form.remove_attachments.data or [],
                                    form=form)
            if isinstance(removed, StaleArticle):
                stale = _article(article_id)  # the saved text, shown beside what this user typed
            elif done:
                db.session.commit()
                _tell_removed(removed)
                flash(str(_l("Saved as revision.")), "success")
                return redirect(url_for("publishing.edit", article_id=article.id))
    else:
        form.version.data = article.version
    return _render_edit(article, form, editable, stale)


def _render_edit(article: Article, form: ArticleForm, editable: bool, stale: Article | None = None,
                 step_form: StepForm | None = None):
    section = next((s for s in site_sections() if s.id == article.section_id), None)
    steps = [t for t in available(article.status, article.needs_post_review) if can(current_user, t.permission)]
    history = entries_about(f"article:{article.id}")
    trail = SimpleNamespace(items=history, pages=1)  # the audit table's shape, on one page
    return render_page("publishing/edit.html", scheduler_down=_scheduler_down(), form=form, article=article,
                       step_form=step_form or StepForm(),
                       steps=steps, history=history, trail=trail, section=section, editable=editable, stale=stale,
                       status_label=STATUS_LABELS.get(article.status, article.status))


@route(bp, f"{PREFIX}/<int:article_id>/step", permission="content.work", methods=("POST",))
def step(article_id: int):
    article = _article(article_id)
    step_form = StepForm()
    action = request.form.get("action", "")
    if step_form.validate_on_submit():
        done, _ = attempt(apply_transition, article, action, actor=current_user,
                          comment=step_form.comment.data or "", publish_at=step_form.publish_at.data,
                          expires_at=step_form.expires_at.data, share_to_portal=step_form.share_to_portal.data,
                          form=step_form, aliases={"": "comment"})
        if done:
            db.session.commit()
            flash(str(_l("Done: the item is now '%(status)s'.", status=STATUS_LABELS[article.status])), "success")
            return redirect(url_for("publishing.edit", article_id=article.id))
    form = _edit_form(article, formdata=None)
    form.version.data = article.version
    return _render_edit(article, form, _editable(article), step_form=step_form), 400 if not step_form.errors else 200


@route(bp, f"{PREFIX}/<int:article_id>/revisions", permission="admin.enter", write="content.work",
       methods=("GET", "POST"))
def history(article_id: int):
    article = _article(article_id)
    if request.method == "POST":
        form = StepForm()
        if not form.validate_on_submit():
            abort(400)
        done, _ = attempt(restore_revision, article, parse_int(request.form.get("number")) or 0, actor=current_user)
        if done:
            db.session.commit()
            flash(str(_l("Revision restored, as a new revision.")), "success")
        return redirect(url_for("publishing.history", article_id=article.id))
    rows = revisions(article)
    changes = None
    a, b = int_arg("a"), int_arg("b")
    if a and b:
        old, new = revision(article, a), revision(article, b)
        if old is None or new is None:
            abort(404)
        changes = diff_revisions(old, new)
    return render_page("publishing/revisions.html", article=article, rows=rows, changes=changes, a=a, b=b,
                       action_form=StepForm(), editable=_editable(article))


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "publishing.index", _l("Articles"), "admin.enter", order=20)
    add_panel(app, "site", "publishing/_home_panel.html", queue_panel, "admin.enter", order=10)
