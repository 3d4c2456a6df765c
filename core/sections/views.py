"""Sections' pages: the public section page and site map, a site's own sections, the platform's set.

The public page of a section (`/sections/<slug>/`) is drawn by the module
that owns what the section holds: each registers a page for its kinds with
`section_page(kind, ...)` (content: article, policy and form lists; later
modules their own). This module draws single pages and external links.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask_babel import lazy_gettext as _l

from core.extensions import db
from core.forms import ActionForm, MoveForm, choices, show_problems, submitted
from core.i18n import localized
from core.sections.forms import KIND_LABELS, UPDATE_CLASS_SHORT, DeleteSectionForm, EditMandatorySectionForm, \
    EditSectionForm, EmptyNoteForm, MandatorySectionForm, RemoveMandatorySectionForm, SectionForm
from core.sections.models import MandatorySection, Section
from core.sections.pages import SECTION_PAGES, section_page
from core.sections.operations import (SectionError, add_mandatory_section, add_section, delete_section,
                                      move_mandatory_section, move_section, remove_mandatory_section,
                                      restore_default_sections, set_empty_note, update_mandatory_section,
                                      update_section)
from core.sections.queries import (deletion_loss, items_by_section, mandatory_holding, mandatory_sections,
                                   nav_sections, request_sections, section_by_slug, site_sections)
from core.web import add_menu_item, cached_page, get_or_404, route
from core.web.actions import attempt
from themes import render_page

bp = Blueprint("sections", __name__, template_folder="templates")

# --- public pages ------------------------------------------------------------------------------

@route(bp, "/sections/<slug>/", permission=None)
@cached_page
def show(slug: str):
    found = section_by_slug(slug)
    if found is None:
        abort(404)
    children = [s for s in request_sections() if s.parent_id == found.id]
    draw = SECTION_PAGES.get(found.kind) or SECTION_PAGES.get(None)
    if draw is None:
        abort(404)
    return draw(found, children)


@section_page("single_page")
def _single_page(section: Section, children: list[Section]):
    return render_page("sections/page.html", section=section, children=children)


@section_page("external_link")
def _external_link(section: Section, children: list[Section]):
    if not section.external_url.lower().startswith(("http://", "https://")):
        abort(404)
    return redirect(section.external_url)


@route(bp, "/sitemap", permission=None)
@cached_page
def sitemap():
    tree: dict[int | None, list[Section]] = {}
    for s in request_sections():
        tree.setdefault(s.parent_id, []).append(s)
    return render_page("sections/sitemap.html", tree=tree)


# --- a site's own sections (its administrator) -------------------------------------------------

def _parent_choices(exclude: int | None = None):
    return choices([("", _l("— top level —"))]
                   + [(str(s.id), localized(s)) for s in site_sections() if s.id != exclude])


@route(bp, "/admin/sections/", permission="site.view", write="site.sections.manage", methods=("GET", "POST"))
def index():
    form = SectionForm()
    form.parent_id.choices = _parent_choices()
    if form.validate_on_submit():
        try:
            add_section(name_zh=form.name_zh.data, name_en=form.name_en.data, slug=form.slug.data,
                        kind=form.kind.data, parent_id=form.parent_id.data,
                        homepage_priority=form.homepage_priority.data, in_nav=form.in_nav.data,
                        external_url=form.external_url.data or "", update_class=form.update_class.data)
        except SectionError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("Section added.")), "success")
            return redirect(url_for("sections.index"))
    return render_page("sections/index.html", sections=site_sections(), form=form, kinds=KIND_LABELS,
                       action_form=ActionForm(), update_classes=UPDATE_CLASS_SHORT, items=items_by_section())


@route(bp, "/admin/sections/<int:section_id>", permission="site.view", write="site.sections.manage",
       methods=("GET", "POST"))
def edit(section_id: int):
    section = get_or_404(Section, section_id)
    if section.is_mandatory:
        abort(404)  # nothing of a mandatory section is the site's to edit
    form = EditSectionForm(obj=section)
    form.parent_id.choices = _parent_choices(exclude=section.id)
    if form.validate_on_submit():
        try:
            update_section(section, name_zh=form.name_zh.data, name_en=form.name_en.data,
                           parent_id=form.parent_id.data, homepage_priority=form.homepage_priority.data,
                           in_nav=form.in_nav.data, external_url=form.external_url.data or "",
                           update_class=form.update_class.data)
        except SectionError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("Section saved.")), "success")
            return redirect(url_for("sections.index"))
    return render_page("sections/edit.html", section=section, form=form)


@route(bp, "/admin/sections/<int:section_id>/note", permission="site.view", write="site.sections.manage",
       methods=("GET", "POST"))
def note(section_id: int):
    """Say why a section (the set's too) rightly has nothing in it: the evaluation does not count it empty then."""
    section = get_or_404(Section, section_id)
    form = EmptyNoteForm(obj=section)
    if form.validate_on_submit():
        done, _ = attempt(set_empty_note, section, form.empty_note.data or "", form=form)
        if done:
            db.session.commit()
            flash(str(_l("The note is saved.") if section.empty_note else _l("The note is taken away.")), "success")
            return redirect(url_for("sections.index"))
    return render_page("sections/note.html", section=section, form=form, items=items_by_section().get(section.id, 0))


@route(bp, "/admin/sections/<int:section_id>/move", permission="site.sections.manage", methods=("POST",))
def move(section_id: int):
    form = submitted(MoveForm())
    section = get_or_404(Section, section_id)
    try:
        move_section(section, form.direction.data)
    except SectionError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
    return redirect(url_for("sections.index"))


@route(bp, "/admin/sections/<int:section_id>/delete", permission="site.sections.manage", methods=("GET", "POST"))
def delete(section_id: int):
    """Say what deleting the section loses, and delete it on the name typed again (nothing public may be in it)."""
    section = get_or_404(Section, section_id)
    if section.is_mandatory:
        abort(404)  # the platform's: never the site's to delete
    form = DeleteSectionForm()
    if form.validate_on_submit():
        done, loss = attempt(delete_section, section, confirmation=form.confirmation.data, form=form)
        if done:
            db.session.commit()
            flash(str(_l("“%(name)s” was deleted, with %(sections)s sub-sections and %(items)s items.",
                         name=localized(loss.section), sections=len(loss.sub_sections), items=loss.items)),
                  "success")
            return redirect(url_for("sections.index"))
    return render_page("sections/delete.html", section=section, loss=deletion_loss(section), form=form)


# --- the platform's mandatory set (the console) ------------------------------------------------

def _sync_message(action: str, counts: dict[str, int]) -> str:
    return str(_l("%(action)s Every site brought in step: %(added)s sections added, %(updated)s updated, "
                  "%(released)s handed to the site.", action=action, **counts))


@route(bp, "/platform/sections", permission="platform.view", write="platform.manage", host="platform",
       methods=("GET", "POST"))
def platform_index():
    form = MandatorySectionForm()
    if form.validate_on_submit():
        try:
            _, counts = add_mandatory_section(key=form.key.data, name_zh=form.name_zh.data,
                                              name_en=form.name_en.data, kind=form.kind.data,
                                              position=form.position.data,
                                              homepage_priority=form.homepage_priority.data, in_nav=form.in_nav.data,
                                              update_class=form.update_class.data)
        except SectionError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(_sync_message(str(_l("Section added to the set.")), counts), "success")
            return redirect(url_for("sections.platform_index"))
    return render_page("sections/platform_index.html", rows=mandatory_sections(), form=form, kinds=KIND_LABELS,
                       action_form=ActionForm(formdata=None), update_classes=UPDATE_CLASS_SHORT)


@route(bp, "/platform/sections/defaults", permission="platform.manage", host="platform", methods=("POST",))
def platform_defaults():
    submitted(ActionForm())
    added, counts = restore_default_sections()
    db.session.commit()
    flash(_sync_message(str(_l("%(n)s default sections added to the set.", n=added)), counts), "success")
    return redirect(url_for("sections.platform_index"))


@route(bp, "/platform/sections/<int:section_id>", permission="platform.view", write="platform.manage",
       host="platform", methods=("GET", "POST"))
def platform_edit(section_id: int):
    row = get_or_404(MandatorySection, section_id)
    form = EditMandatorySectionForm(obj=row)
    if form.validate_on_submit():
        try:
            counts = update_mandatory_section(row, name_zh=form.name_zh.data, name_en=form.name_en.data,
                                              kind=form.kind.data, homepage_priority=form.homepage_priority.data,
                                              in_nav=form.in_nav.data, update_class=form.update_class.data)
        except SectionError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(_sync_message(str(_l("Section saved.")), counts), "success")
            return redirect(url_for("sections.platform_index"))
    return render_page("sections/platform_edit.html", row=row, form=form)


@route(bp, "/platform/sections/<int:section_id>/delete", permission="platform.view", write="platform.manage",
       host="platform", methods=("GET", "POST"))
def platform_delete(section_id: int):
    """Say what removing a section from the set means for every site; remove it once that is ticked."""
    row = get_or_404(MandatorySection, section_id)
    form = RemoveMandatorySectionForm()
    if form.validate_on_submit():
        counts = remove_mandatory_section(row)
        db.session.commit()
        flash(_sync_message(str(_l("Section removed from the set; every site keeps it, with its items, as its own.")),
                            counts), "success")
        return redirect(url_for("sections.platform_index"))
    return render_page("sections/platform_delete.html", row=row, holding=mandatory_holding(row.key), form=form)


@route(bp, "/platform/sections/<int:section_id>/move", permission="platform.manage", host="platform",
       methods=("POST",))
def platform_move(section_id: int):
    row = get_or_404(MandatorySection, section_id)
    form = submitted(MoveForm())
    counts = move_mandatory_section(row, form.step)
    if counts is not None:
        db.session.commit()
        flash(_sync_message(str(_l("Order changed.")), counts), "success")
    return redirect(url_for("sections.platform_index"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "sections.index", _l("Sections"), "site.view", order=50)
    add_menu_item(app, "platform", "sections.platform_index", _l("Mandatory sections"), "platform.view", order=20)
    app.jinja_env.globals.update(nav_sections=nav_sections)
