"""The console's pages for the bureau's lists: the disclosure categories every site must publish, and the subjects
(主题分类) the catalogue is browsed by."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import lazy_gettext as _l

from core.disclosure.forms import CategoryForm, SubjectForm
from core.disclosure.models import DisclosureCategory, DisclosureSubject
from core.disclosure.operations import (DisclosureError, add_category, add_subject, delete_category, delete_subject,
                                        ensure_default_categories, ensure_default_subjects, move_category,
                                        move_subject, update_category, update_subject)
from core.disclosure.queries import disclosure_categories, disclosure_subjects
from core.web.actions import attempt
from core.extensions import db
from core.forms import ActionForm, MoveForm, show_problems, submitted
from core.web import add_menu_item, get_or_404, route
from themes import render_page

bp = Blueprint("disclosure", __name__, template_folder="templates")


def _console(rule: str, methods=("GET",)):
    return route(bp, rule, permission="platform.view" if "GET" in methods else "platform.manage",
                 write="platform.manage", host="platform", methods=methods)


@_console("/platform/categories", methods=("GET", "POST"))
def platform_categories():
    form = CategoryForm()
    if form.validate_on_submit():
        try:
            add_category(name_zh=form.name_zh.data, name_en=form.name_en.data, description=form.description.data or "")
        except DisclosureError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("Category added.")), "success")
            return redirect(url_for("disclosure.platform_categories"))
    return render_page("disclosure/platform_categories.html", rows=disclosure_categories(), form=form,
                       action_form=ActionForm(formdata=None))


@_console("/platform/categories/defaults", methods=("POST",))
def platform_category_defaults():
    submitted(ActionForm())
    added = ensure_default_categories()
    db.session.commit()
    flash(str(_l("%(n)s default categories added.", n=added)), "success")
    return redirect(url_for("disclosure.platform_categories"))


@_console("/platform/categories/<int:category_id>", methods=("GET", "POST"))
def platform_edit_category(category_id: int):
    category = get_or_404(DisclosureCategory, category_id)
    form = CategoryForm(obj=category)
    if form.validate_on_submit():
        try:
            update_category(category, name_zh=form.name_zh.data, name_en=form.name_en.data,
                            description=form.description.data or "")
        except DisclosureError as error:
            db.session.rollback()
            show_problems(form, error)
        else:
            db.session.commit()
            flash(str(_l("Category saved.")), "success")
            return redirect(url_for("disclosure.platform_categories"))
    return render_page("disclosure/platform_category_edit.html", category=category, form=form)


@_console("/platform/categories/<int:category_id>/delete", methods=("POST",))
def platform_delete_category(category_id: int):
    category = get_or_404(DisclosureCategory, category_id)
    submitted(ActionForm())
    done, _ = attempt(delete_category, category)
    if done:
        db.session.commit()
        flash(str(_l("Category deleted.")), "success")
    return redirect(url_for("disclosure.platform_categories"))


@_console("/platform/categories/<int:category_id>/move", methods=("POST",))
def platform_move_category(category_id: int):
    category = get_or_404(DisclosureCategory, category_id)
    form = submitted(MoveForm())
    if move_category(category, form.step):
        db.session.commit()
    return redirect(url_for("disclosure.platform_categories"))


# --- subjects (主题分类) ----------------------------------------------------------------------------

@_console("/platform/subjects", methods=("GET", "POST"))
def platform_subjects():
    form = SubjectForm()
    if form.validate_on_submit():
        done, _ = attempt(add_subject, name_zh=form.name_zh.data, name_en=form.name_en.data, form=form)
        if done:
            db.session.commit()
            flash(str(_l("Subject added.")), "success")
            return redirect(url_for("disclosure.platform_subjects"))
    return render_page("disclosure/platform_subjects.html", rows=disclosure_subjects(), form=form,
                       action_form=ActionForm(formdata=None))


@_console("/platform/subjects/defaults", methods=("POST",))
def platform_subject_defaults():
    submitted(ActionForm())
    added = ensure_default_subjects()
    db.session.commit()
    flash(str(_l("%(n)s default subjects added.", n=added)), "success")
    return redirect(url_for("disclosure.platform_subjects"))


@_console("/platform/subjects/<int:subject_id>", methods=("GET", "POST"))
def platform_edit_subject(subject_id: int):
    subject = get_or_404(DisclosureSubject, subject_id)
    form = SubjectForm(obj=subject)
    if form.validate_on_submit():
        done, _ = attempt(update_subject, subject, name_zh=form.name_zh.data, name_en=form.name_en.data, form=form)
        if done:
            db.session.commit()
            flash(str(_l("Subject saved.")), "success")
            return redirect(url_for("disclosure.platform_subjects"))
    return render_page("disclosure/platform_subject_edit.html", subject=subject, form=form)


@_console("/platform/subjects/<int:subject_id>/delete", methods=("POST",))
def platform_delete_subject(subject_id: int):
    subject = get_or_404(DisclosureSubject, subject_id)
    submitted(ActionForm())
    done, _ = attempt(delete_subject, subject)
    if done:
        db.session.commit()
        flash(str(_l("Subject deleted.")), "success")
    return redirect(url_for("disclosure.platform_subjects"))


@_console("/platform/subjects/<int:subject_id>/move", methods=("POST",))
def platform_move_subject(subject_id: int):
    subject = get_or_404(DisclosureSubject, subject_id)
    form = submitted(MoveForm())
    if move_subject(subject, form.step):
        db.session.commit()
    return redirect(url_for("disclosure.platform_subjects"))


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "platform", "disclosure.platform_categories", _l("Disclosure categories"), "platform.view",
                  order=30)
    add_menu_item(app, "platform", "disclosure.platform_subjects", _l("Disclosure subjects"), "platform.view",
                  order=31)
