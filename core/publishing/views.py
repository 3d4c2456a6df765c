"""The publishing pages of a site's admin: lists and queues, the article form, steps, revisions."""
from __future__ import annotations

from datetime import datetime, time
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from core.audit.queries import entries_about
from core.auth.models import User
from core.auth.permissions import can
from core.content.backdating import backdate_margin_days
from core.content.filing import FILING_FIELDS, filing_options, filing_required
from core.content.files import Upload, attachment_entries
from core.content.models import Article, CHANGE_STATUSES, STATUSES
from core.extensions import db
from core.forms import choices
from core.i18n import localized
from core.publishing.compare import compare
from core.publishing.forms import ArticleForm, BulkForm, StepForm
from core.publishing.operations import (StaleArticle, WorkflowError, apply_change_step, apply_transition,
                                        create_draft, restore_revision, save_article)
from core.publishing.queries import (TEXT_FIELDS, as_form_values, edit_refusal, may_edit, may_start_change,
                                     own_work, pending_data, queue_panel, revision, revision_data, revisions,
                                     snapshot)
from core.publishing.workflow import (CHANGE_ACTIONS, CHANGE_STATUS_LABELS, STATUS_LABELS, TRANSITIONS, available,
                                      change_steps)
from core.sections.queries import descendants, site_sections
from core.web import add_menu_item, add_panel, get_or_404, int_arg, page_number, route
from core.web.actions import attempt
from core.web.loading import parse_int
from core.timeutil import now
from jobs.lease import scheduler_running
from themes import render_page

bp = Blueprint("publishing", __name__, template_folder="templates")
PREFIX = "/admin/articles"
PER_PAGE = 30
LIST_KINDS = ("article_list", "policy_list", "disclosure", "service_items", "forms", "online_services", "interaction")
BULK_ACTIONS = ("submit", "approve", "publish", "withdraw")
#: A bulk step's name where the step's own label would not say enough.
BULK_LABELS = {"publish": _l("Publish now"), "withdraw": _l("Withdraw from the public site (say why in the comment)")}


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


def _bulk_steps() -> dict:
    """The steps the signed-in user's roles allow on this site, for many items at once: {key: transition}."""
    return {f"{t.action}-{t.source[0]}": t for t in TRANSITIONS
            if t.action in BULK_ACTIONS and can(current_user, t.permission)}


@route(bp, f"{PREFIX}/", permission="admin.enter", write="content.work", methods=("GET", "POST"))
def index():
    sections = _sections()
    steps = _bulk_steps()
    bulk = BulkForm()
    bulk.action.choices = choices((key, BULK_LABELS.get(t.action, t.label)) for key, t in steps.items())
    if request.method == "POST":
        return _bulk(bulk, steps)
    query = select(Article)
    status = request.args.get("status", "")
    queue = request.args.get("queue", "")
    change = request.args.get("change", "")
    if status in STATUSES:
        query = query.where(Article.status == status)
    if queue == "post_review":
        query = query.where(Article.needs_post_review.is_(True))
    if change in CHANGE_STATUSES:
        query = query.where(Article.change_status == change)
    section_id = int_arg("section")
    if section_id:
        query = query.where(Article.section_id == section_id)
    under = int_arg("under")
    if under:  # a section and every section below it (the disclosure module's refusal to move one links here)
        query = query.where(Article.section_id.in_({under} | descendants(under, site_sections())))
    if request.args.get("filing") == "missing":  # public, or scheduled to be, and not filed in the catalogue
        query = query.where(Article.status.in_(("published", "scheduled")),
                            or_(*(getattr(Article, f).is_(None) for f in FILING_FIELDS)))
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
                       sections=sections, by_section=by_section, statuses=STATUS_LABELS, authors=authors,
                       bulk=bulk if steps else None, change_labels=CHANGE_STATUS_LABELS,
                       filters={k: request.args.get(k, "") for k in ("status", "section", "author", "from", "to", "q",
                                                                      "queue", "change", "filing", "under")})


def _bulk(bulk: BulkForm, steps: dict):
    """Take one step on many items; say how many moved, and for each of the others why not."""
    if not steps:
        abort(403, description=str(_l("Your roles on this site do not allow any step on many items at once.")))
    # Each item once, however often the form names it (a tampered form, a double tick): it moves, or is
    # refused, once, and is counted once.
    ids = list(dict.fromkeys(i for i in (parse_int(raw, minimum=1) for raw in request.form.getlist("ids"))
                             if i is not None))
    bulk.ids.choices = [(i, str(i)) for i in ids]
    if not bulk.validate_on_submit() or not bulk.ids.data:
        flash(str(_l("Choose items and a step.")), "error")
        return redirect(url_for("publishing.index"))
    step = steps[bulk.action.data]
    if step.needs_comment and not (bulk.comment.data or "").strip():
        flash(str(_l("Say why, in the comment: it goes to the person who gets the item.")), "error")
        return redirect(url_for("publishing.index"))
    moved, refused = 0, []
    for article_id in dict.fromkeys(bulk.ids.data):
        article = db.session.execute(select(Article).where(Article.id == article_id)).scalar_one_or_none()
        if article is None:
            continue
        if article.status not in step.source:
            refused.append(_l("“%(title)s” is '%(state)s'; this step is for items that are '%(wanted)s'.",
                              title=article.title, state=STATUS_LABELS[article.status],
                              wanted=STATUS_LABELS[step.source[0]]))
            continue
        try:
            with db.session.begin_nested():
                apply_transition(article, step.action, actor=current_user, comment=bulk.comment.data or "")
            moved += 1
        except WorkflowError as error:
            refused.append(_l("“%(title)s”: %(reason)s", title=article.title, reason=error.message))
    db.session.commit()
    if moved:
        flash(ngettext("%(num)s item moved on: it is now '%(state)s'.",
                       "%(num)s items moved on: they are now '%(state)s'.", moved,
                       state=STATUS_LABELS.get(step.target, step.target)), "success")
    if refused:
        flash(ngettext("%(num)s item was not moved:", "%(num)s items were not moved:", len(refused)), "error")
        for line in refused:
            flash(str(line), "error")
    if not moved and not refused:
        flash(str(_l("None of the chosen items is on this site any more.")), "error")
    return redirect(url_for("publishing.index"))


def _scheduler_down() -> bool:
    """For a publisher's pages: no scheduler holds the lease, so item states are not kept in step."""
    return can(current_user, "content.publish") and not scheduler_running(now())


def _uploads(form: ArticleForm) -> list[Upload]:
    upload = form.attachment.data
    if upload and getattr(upload, "filename", ""):
        return [Upload(upload.filename, upload.read(), upload.mimetype, form.attachment_alt.data or "")]
    return []


def _filing_choices(form: ArticleForm) -> None:
    """The disclosure lists' entries as the filing selects' options (core.content.filing)."""
    for name in FILING_FIELDS:
        form[name].choices = choices([("", "—")] + [(str(key), label) for key, label in filing_options(name)])


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
    _filing_choices(form)
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
                       trail=None, section=None, editable=True, files=[])


def _tell_removed(removed: list[str]) -> None:
    if removed:
        flash(str(_l("For safety, the text was cleaned: removed %(what)s.", what=", ".join(removed))), "warning")


def _tell_missing(missing: list[str]) -> None:
    if missing:
        flash(str(_l("These files are no longer kept and were left out: %(names)s.", names=", ".join(missing))),
              "warning")


def _edit_form(article: Article, pending: dict | None, **kwargs) -> tuple[ArticleForm, list[dict]]:
    """The article form over what the item says now (a published item with a change: the change's text)."""
    form = ArticleForm(obj=SimpleNamespace(**as_form_values(pending)) if pending else article, **kwargs)
    del form.section_id
    _filing_choices(form)
    files = pending.get("attachments", attachment_entries(article)) if pending else attachment_entries(article)
    form.remove_attachments.choices = [(f["stored_name"], f["filename"]) for f in files]
    return form, files


@route(bp, f"{PREFIX}/<int:article_id>", permission="admin.enter", write="content.work", methods=("GET", "POST"))
def edit(article_id: int):
    article = _article(article_id)
    editable = may_edit(article, current_user)
    pending = pending_data(article)
    form, files = _edit_form(article, pending)
    stale = None
    if request.method == "POST":
        if not editable:
            abort(403, description=edit_refusal(article, current_user))
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
                flash(str(_l("Saved as a correction: the public still sees the published text.")
                          if article.change_status else _l("Saved as revision.")), "success")
                return redirect(url_for("publishing.edit", article_id=article.id))
    else:
        form.version.data = article.version
    return _render_edit(article, form, files, editable, stale)


def _offered(article: Article, rows) -> tuple[list, list]:
    """The steps to offer the signed-in user (one per action), and those held back by the own-work rule."""
    offered, held = [], []
    for t in rows:
        if not can(current_user, t.permission) or any(o.action == t.action for o in offered):
            continue
        (held if own_work(article, t.action, current_user) else offered).append(t)
    held = [t for t in held if not any(o.action == t.action for o in offered)]
    return offered, held


def _render_edit(article: Article, form: ArticleForm, files: list[dict], editable: bool,
                 stale: Article | None = None, step_form: StepForm | None = None):
    section = next((s for s in site_sections() if s.id == article.section_id), None)
    steps, held = _offered(article, available(article.status, article.needs_post_review))
    change, change_held = ([], [])
    if article.status == "published":
        change, change_held = _offered(article, change_steps(article.change_status))
    pending = pending_data(article)
    history = entries_about(f"article:{article.id}")
    trail = SimpleNamespace(items=history, pages=1)  # the audit table's shape, on one page
    return render_page("publishing/edit.html", scheduler_down=_scheduler_down(), form=form, article=article,
                       files=files, step_form=step_form or StepForm(), steps=steps, change_steps=change,
                       held=held + change_held, history=history, trail=trail, section=section, editable=editable,
                       stale=stale, refusal=None if editable else edit_refusal(article, current_user),
                       filing_required=section is not None and filing_required(section.id),
                       changes=compare(snapshot(article), pending) if pending else None,
                       status_label=STATUS_LABELS.get(article.status, article.status),
                       change_label=CHANGE_STATUS_LABELS.get(article.change_status or ""),
                       backdate_margin=backdate_margin_days())


#: What a user hears after each step of a change.
CHANGE_DONE = {
    "change_start": _l("You can now correct the text below. The public keeps seeing the published text until the "
                       "correction is published."),
    "change_discard": _l("The correction was discarded; the published text is unchanged (the correction stays in "
                         "the revisions)."),
    "change_publish": _l("The correction is published: the public page shows the new text."),
    "change_force_publish": _l("The correction is published past review; it stays flagged until a reviewer "
                               "approves it."),
}


@route(bp, f"{PREFIX}/<int:article_id>/step", permission="content.work", methods=("POST",))
def step(article_id: int):
    article = _article(article_id)
    step_form = StepForm()
    action = request.form.get("action", "")
    if step_form.validate_on_submit():
        if action in CHANGE_ACTIONS:
            done, missing = attempt(apply_change_step, article, action, actor=current_user,
                                    comment=step_form.comment.data or "", form=step_form, aliases={"": "comment"})
        else:
            done, _ = attempt(apply_transition, article, action, actor=current_user,
                              comment=step_form.comment.data or "", publish_at=step_form.publish_at.data,
                              expires_at=step_form.expires_at.data, share_to_portal=step_form.share_to_portal.data,
                              dated=step_form.dated.data, backdate_reason=step_form.backdate_reason.data or "",
                              form=step_form, aliases={"": "comment"})
        if done:
            db.session.commit()
            if action in CHANGE_DONE:
                flash(str(CHANGE_DONE[action]), "success")
                _tell_missing(missing)
            elif action in CHANGE_ACTIONS:
                flash(str(_l("Done: the correction is now '%(status)s'.",
                             status=CHANGE_STATUS_LABELS[article.change_status])), "success")
            else:
                flash(str(_l("Done: the item is now '%(status)s'.", status=STATUS_LABELS[article.status])), "success")
            return redirect(url_for("publishing.edit", article_id=article.id))
    form, files = _edit_form(article, pending_data(article), formdata=None)
    form.version.data = article.version
    return _render_edit(article, form, files, may_edit(article, current_user), step_form=step_form), \
        400 if not step_form.errors else 200


@route(bp, f"{PREFIX}/<int:article_id>/revisions", permission="admin.enter", write="content.work",
       methods=("GET", "POST"))
def history(article_id: int):
    article = _article(article_id)
    if request.method == "POST":
        form = StepForm()
        if not form.validate_on_submit():
            abort(400)
        number = parse_int(request.form.get("number")) or 0
        done, missing = attempt(restore_revision, article, number, actor=current_user)
        if done:
            db.session.commit()
            _tell_missing(missing)
            if article.status == "published":
                flash(str(_l("Revision %(n)s is now the pending correction. The public keeps seeing the published "
                             "text until the correction is published.", n=number)), "success")
                return redirect(url_for("publishing.edit", article_id=article.id))
            flash(str(_l("Revision restored, as a new revision.")), "success")
        return redirect(url_for("publishing.history", article_id=article.id))
    rows = revisions(article)
    changes = None
    a, b = int_arg("a"), int_arg("b")
    if a and b:
        old, new = revision(article, a), revision(article, b)
        if old is None or new is None:
            abort(404)
        changes = compare(revision_data(old), revision_data(new))
    restorable = may_edit(article, current_user) or may_start_change(article, current_user)
    live = None
    if article.status == "published":
        live = article.change_base_revision if article.change_status else (rows[0].number if rows else None)
    return render_page("publishing/revisions.html", article=article, rows=rows, changes=changes, a=a, b=b,
                       action_form=StepForm(), restorable=restorable, live=live,
                       pending=article.pending_revision if article.change_status else None,
                       refusal=None if restorable else edit_refusal(article, current_user),
                       change_label=CHANGE_STATUS_LABELS.get(article.change_status or ""))


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "publishing.index", _l("Articles"), "admin.enter", order=20)
    add_panel(app, "site", "publishing/_home_panel.html", queue_panel, "admin.enter", order=10)
