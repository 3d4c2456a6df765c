"""The site administrator's sections page: the mandatory ones locked, the site's own editable."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from core.audit.operations import record
from core.auth.guard import route
from core.extensions import db
from core.forms import choices
from core.i18n import localized
from core.sections.forms import KIND_LABELS, EditSectionForm, SectionForm
from core.sections.models import Section
from core.sections.operations import SectionError, add_section, delete_section, move_section, site_sections
from themes import render_page

bp = Blueprint("sections", __name__, url_prefix="/admin/sections")


def _parent_choices(exclude: int | None = None):
    return choices([("", _l("— top level —"))] + [(str(s.id), localized(s)) for s in site_sections() if s.id != exclude])


def _own_section(section_id: int) -> Section:
    """A section of this site (tenant-scoped), or 404."""
    section = next((s for s in site_sections() if s.id == section_id), None)
    if section is None:
        abort(404)
    return section


def _descendants(section_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for s in site_sections():
        children.setdefault(s.parent_id, []).append(s.id)
    found, todo = set(), [section_id]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


@route(bp, "/", permission="site.view", write="site.sections.manage", methods=("GET", "POST"))
def index():
    form = SectionForm()
    form.parent_id.choices = _parent_choices()
    if form.validate_on_submit():
        try:
            section = add_section(name_zh=form.name_zh.data, name_en=form.name_en.data, slug=form.slug.data,
                                  kind=form.kind.data, parent_id=form.parent_id.data,
                                  homepage_priority=form.homepage_priority.data, in_nav=form.in_nav.data,
                                  external_url=(form.external_url.data or "").strip())
        except SectionError as error:
            db.session.rollback()
            form.slug.errors.append(str(error))
        else:
            record("section.add", section.slug, name_zh=section.name_zh)
            db.session.commit()
            flash(str(_l("Section added.")), "success")
            return redirect(url_for("sections.index"))
    return render_page("sections/index.html", sections=site_sections(), form=form, kinds=KIND_LABELS,
                       action_form=FlaskForm())


@route(bp, "/<int:section_id>", permission="site.view", write="site.sections.manage", methods=("GET", "POST"))
def edit(section_id: int):
    section = _own_section(section_id)
    if section.is_mandatory:
        abort(404)  # nothing of a mandatory section is the site's to edit
    form = EditSectionForm(obj=section)
    form.parent_id.choices = _parent_choices(exclude=section.id)
    if form.validate_on_submit():
        if not form.name_zh.data.strip() or not form.name_en.data.strip():
            form.name_zh.errors.append(str(_l("A section needs a name in Chinese and in English.")))
        elif form.parent_id.data in _descendants(section.id):
            form.parent_id.errors.append(str(_l("A section cannot be placed under one of its own sub-sections.")))
        else:
            section.name_zh, section.name_en = form.name_zh.data.strip(), form.name_en.data.strip()
            section.parent_id = form.parent_id.data
            section.homepage_priority = form.homepage_priority.data
            section.in_nav = form.in_nav.data
            section.external_url = (form.external_url.data or "").strip()
            record("section.update", section.slug, name_zh=section.name_zh)
            db.session.commit()
            flash(str(_l("Section saved.")), "success")
            return redirect(url_for("sections.index"))
    return render_page("sections/edit.html", section=section, form=form)


@route(bp, "/<int:section_id>/move", permission="site.sections.manage", methods=("POST",))
def move(section_id: int):
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    section = _own_section(section_id)
    own = [s for s in site_sections() if not s.is_mandatory and s.parent_id == section.parent_id]
    index = next(i for i, s in enumerate(own) if s.id == section.id) if not section.is_mandatory else 0
    step = -1 if request.form.get("direction") == "up" else 1
    try:
        if section.is_mandatory:
            move_section(section, section.position)  # raises: the platform's order is fixed
        other = own[index + step] if 0 <= index + step < len(own) else None
        if other is not None:
            # Renumber the siblings, then swap: positions may have gaps or ties.
            for position, s in enumerate(own):
                s.position = position
            move_section(section, index + step)
            move_section(other, index)
    except SectionError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        record("section.move", section.slug, direction=request.form.get("direction"))
        db.session.commit()
    return redirect(url_for("sections.index"))


@route(bp, "/<int:section_id>/delete", permission="site.sections.manage", methods=("POST",))
def delete(section_id: int):
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    section = _own_section(section_id)
    try:
        delete_section(section)
    except SectionError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        record("section.delete", section.slug, name_zh=section.name_zh)
        db.session.commit()
        flash(str(_l("Section deleted, with its items.")), "success")
    return redirect(url_for("sections.index"))


def init_app(app) -> None:
    app.register_blueprint(bp)
