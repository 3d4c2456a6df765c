"""The console's pages for the disclosure categories every site must publish."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import lazy_gettext as _l

from core.disclosure.forms import CategoryForm
from core.disclosure.models import DisclosureCategory
from core.disclosure.operations import (DisclosureError, add_category, delete_category, ensure_default_categories,
                                        move_category, update_category)
from core.disclosure.queries import disclosure_categories
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
    delete_category(category)
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


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "platform", "disclosure.platform_categories", _l("Disclosure categories"), "platform.view",
                  order=30)
