"""A site's admin pages for its disclosure column: writing the guide and the rules, giving the column its parts,
and linking interpretations to the policies they explain (政策解读)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import defer

from core.content.models import Article
from core.disclosure.column import column_page, provide_column_parts, save_column_page
from core.disclosure.forms import InterpretationForm, PageForm
from core.disclosure.interpretations import link_interpretation, unlink_interpretation
from core.disclosure.labels import INTERPRETATION_KIND_LABELS
from core.disclosure.models import PolicyInterpretation
from core.disclosure.queries_catalogue import site_links
from core.extensions import db
from core.forms import ActionForm, choices, submitted
from core.web import get_or_404, route
from core.web.loading import parse_int
from core.web.actions import attempt
from themes import render_page

bp = Blueprint("disclosure_column", __name__, template_folder="templates")
#: How many items the link form's two lists offer: the newest, or those the search finds (by title or document
#: number), so that any policy of the site can be reached however old.
CHOICES = 300


@route(bp, "/admin/disclosure/pages/<int:page_id>", permission="site.view", write="site.sections.manage",
       methods=("GET", "POST"))
def edit_page(page_id: int):
    """Write the disclosure guide or rules page (a single page below the column)."""
    section = column_page(page_id)
    if section is None:
        abort(404)
    form = PageForm(obj=section)
    if form.validate_on_submit():
        done, removed = attempt(save_column_page, section, body_html=form.page_html.data or "", form=form)
        if done:
            db.session.commit()
            if removed:
                flash(str(_l("For safety, the text was cleaned: removed %(what)s.", what=", ".join(removed))),
                      "warning")
            flash(str(_l("Page saved.")), "success")
            return redirect(url_for("disclosure_coverage.site_overview"))
    return render_page("disclosure/edit_page.html", section=section, form=form)


@route(bp, "/admin/disclosure/parts", permission="site.sections.manage", methods=("POST",))
def provide_parts():
    """Give the column the guide, rules and annual reports it lacks."""
    submitted(ActionForm())
    added = provide_column_parts()
    db.session.commit()
    flash(str(_l("%(n)s parts added to the disclosure column.", n=len(added))), "success")
    return redirect(url_for("disclosure_coverage.site_overview"))


def _item_choices(query, search: str, posted: str | None) -> list:
    """The options of one list: the items `search` finds in title or document number (the newest without one),
    and the item a posted form chose, wherever it is, so that choosing a found item is never "not a choice"."""
    found = query.options(defer(Article.body_html))
    if search:
        found = found.where(or_(Article.title.contains(search, autoescape=True),
                                Article.document_number.contains(search, autoescape=True)))
    rows = list(db.session.execute(found.order_by(Article.updated_at.desc(), Article.id.desc())
                                   .limit(CHOICES)).scalars())
    chosen = parse_int(posted or "")
    if chosen and all(a.id != chosen for a in rows):
        rows += list(db.session.execute(query.options(defer(Article.body_html)).where(Article.id == chosen)).scalars())
    return [("", "—")] + [(str(a.id), f"{a.title}（{a.document_number}）" if a.document_number else a.title)
                          for a in rows]


@route(bp, "/admin/disclosure/interpretations", permission="admin.enter", write="content.edit",
       methods=("GET", "POST"))
def interpretations():
    """The site's links between policies and their interpretations; editors add and remove them."""
    form = InterpretationForm()
    searches = {name: request.args.get(name, "").strip()[:100] for name in ("find_item", "find_policy")}
    form.interpretation_id.choices = choices(_item_choices(select(Article), searches["find_item"],
                                                           request.form.get("interpretation_id")))
    form.policy_id.choices = choices(_item_choices(select(Article).where(Article.policy_level.is_not(None)),
                                                   searches["find_policy"], request.form.get("policy_id")))
    form.kind.choices = choices(INTERPRETATION_KIND_LABELS.items())
    if form.validate_on_submit():
        interpretation = get_or_404(Article, form.interpretation_id.data)
        policy = get_or_404(Article, form.policy_id.data)
        done, _ = attempt(link_interpretation, interpretation, policy, kind=form.kind.data, form=form)
        if done:
            db.session.commit()
            flash(str(_l("Linked: the two public pages now show each other.")), "success")
            return redirect(url_for("disclosure_column.interpretations"))
    return render_page("disclosure/interpretations.html", form=form, links=site_links(), searches=searches,
                       action_form=ActionForm(formdata=None))


@route(bp, "/admin/disclosure/interpretations/<int:link_id>/delete", permission="content.edit", methods=("POST",))
def unlink(link_id: int):
    link = get_or_404(PolicyInterpretation, link_id)
    submitted(ActionForm())
    unlink_interpretation(link)
    db.session.commit()
    flash(str(_l("Link removed; both items stay as they are.")), "success")
    return redirect(url_for("disclosure_column.interpretations"))


def init_app(app) -> None:
    from core.web import add_menu_item

    app.register_blueprint(bp)
    add_menu_item(app, "site", "disclosure_column.interpretations", _l("Policy interpretation"), "content.work",
                  order=24)
