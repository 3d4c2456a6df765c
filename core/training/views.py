"""Training material's pages: the bureau's (the console) and the recipients' (each site's admin).

Console (`platform.view` reads, `platform.manage` changes): the list of
materials with how far each has got; a new material; one material with its
acknowledgements per site, as a table that opens to the people and as a chart;
its edit form with its files; the good-practice examples.

A site's admin (`admin.enter`): the materials the signed-in person is to read
on this site (not yet acknowledged first), one material with its files and the
"I have read it" button, and the good-practice examples. A material the person
is not the audience of on this site is not found (404), its files too; the
bureau's own people (administrators, the evaluator) may open what a site was
sent, without acknowledging it.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext, ngettext
from flask_login import current_user

from core.auth.forms import ROLE_LABELS
from core.auth.permissions import site_roles
from core.content.files import Upload, download_type
from core.extensions import db
from core.forms import ActionForm, choices, submitted
from core.i18n import localized
from core.inbox.reading import mark_read
from core.sites.queries import all_sites, site_groups
from core.timeutil import now
from core.training import charts
from core.training.files import allowed_extensions, stored_path
from core.training.forms import ExampleForm, MaterialForm
from core.training.models import GoodPractice, TrainingFile, TrainingMaterial
from core.training.operations import (acknowledge, add_good_practice, create_material, publish_material,
                                      remove_file, remove_good_practice, update_material, withdraw_material)
from core.training.queries import (acknowledgement_of, all_materials, good_practices, group_of, inbox_message_ids,
                                   in_audience_here, materials_here, overview_rates, progress, reached, readable_here,
                                   sites_for_person)
from core.web import add_menu_item, add_panel, get_or_404, route
from core.web.actions import attempt
from core.web.loading import parse_int
from tenants.models import Tenant
from themes import render_page, site_url

bp = Blueprint("training", __name__, template_folder="templates")
VIEW, MANAGE = "platform.view", "platform.manage"
STATE_LABELS = {"draft": lazy_pgettext("training material", "Draft"),
                "published": lazy_pgettext("training material", "Published"),
                "withdrawn": lazy_pgettext("training material", "Withdrawn")}


def _console(rule: str, methods=("GET",)):
    """A console route: reading needs platform.view, any change platform.manage."""
    return route(bp, rule, permission=VIEW if "GET" in methods else MANAGE, write=MANAGE, host="platform",
                 methods=methods)


def _send(path, filename: str, fallback_stem: str) -> Response:
    """A stored file as a download under its own name; its type from the stored name, never the upload's claim.

    Read whole (a training file is at most MAX_ATTACHMENT_BYTES), so no file handle outlives the request.
    """
    response = Response(path.read_bytes(), mimetype=download_type(path.name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if filename.isascii():
        response.headers.set("Content-Disposition", "attachment", filename=filename)
    else:
        # Old clients read only filename=: give them a name that says what it is, not a bare ".pdf".
        fallback = f"{fallback_stem}.{path.name.rsplit('.', 1)[-1]}"
        response.headers.set("Content-Disposition", "attachment", filename=fallback,
                             **{"filename*": f"UTF-8''{quote(filename, safe='')}"})
    return response


def _labels() -> dict:
    return {"state_labels": STATE_LABELS, "role_labels": ROLE_LABELS}


def audience_text(material: TrainingMaterial) -> str:
    """Who a material is for, in words: "Editors, Publishers of the sites of 综合管理"."""
    roles = _("every role") if material.all_roles else "、".join(str(ROLE_LABELS[r]) for r in material.role_list)
    if material.site_scope == "all":
        sites = _("every site")
    elif material.site_scope == "group":
        group = group_of(material)
        sites = _("the sites of %(group)s", group=localized(group)) if group else _("a group that no longer exists")
    else:
        sites = ngettext("%(num)s site ticked", "%(num)s sites ticked", len(material.site_ids))
    return _("%(roles)s, on %(sites)s", roles=roles, sites=sites)


def example_link(example: GoodPractice) -> str:
    """The public page of an example: its item, or the site's home page."""
    if example.article_id:
        return site_url(example.site, url_for("content.article", article_id=example.article_id))
    return site_url(example.site, "/")


# --- the console -------------------------------------------------------------------------------

@_console("/platform/training/")
def platform_index():
    materials = all_materials()
    return render_page("training/platform_index.html", materials=materials, rates=overview_rates(materials),
                       audience_text=audience_text, today=now().date(), **_labels())


def _form_choices(form: MaterialForm) -> MaterialForm:
    form.group.choices = choices([("", _l("— choose a group —"))] + [(str(grp.id), localized(grp))
                                                                      for grp in site_groups()])
    form.sites.choices = choices(sorted(((site.id, localized(site)) for site in all_sites()), key=lambda c: c[1]))
    return form


def _uploads(form: MaterialForm) -> list[Upload]:
    return [Upload(f.filename, f.read(), f.mimetype) for f in (form.files.data or [])
            if f is not None and getattr(f, "filename", "")]


def _chosen_files(form: MaterialForm) -> bool:
    """Whether files were chosen in the form just sent (a form shown again cannot keep them)."""
    return any(getattr(f, "filename", "") for f in (form.files.data or []))


def _material_fields(form: MaterialForm) -> dict:
    return {"title": form.title.data or "", "description": form.description.data or "", "due_on": form.due_on.data,
            "all_roles": form.role_scope.data != "chosen", "roles": list(form.roles.data or []),
            "site_scope": form.site_scope.data or "", "group_id": parse_int(form.group.data or "", minimum=1),
            "site_ids": list(form.sites.data or []), "uploads": _uploads(form)}


#: Where an operation's problems show: "files" under the file field, the audience's under theirs.
ALIASES = {"site_scope": "site_scope", "group": "group", "sites": "sites", "roles": "roles", "files": "files"}


def _form_page(form: MaterialForm, material: TrainingMaterial | None, status: int = 200):
    return render_page("training/platform_form.html", form=form, material=material,
                       extensions=allowed_extensions(), action_form=ActionForm(formdata=None),
                       files_dropped=request.method == "POST" and _chosen_files(form), **_labels()), status


@_console("/platform/training/new", methods=("GET", "POST"))
def platform_new():
    form = _form_choices(MaterialForm())
    if form.validate_on_submit():
        done, result = attempt(create_material, actor=current_user, form=form, aliases=ALIASES,
                               **_material_fields(form))
        if done:
            db.session.commit()
            flash(_("The material was saved as a draft. Publish it when it is ready: it is then delivered to its "
                    "audience within ten minutes."), "success")
            return redirect(url_for("training.platform_material", training_id=result.id))
    return _form_page(form, None)


@_console("/platform/training/<int:training_id>")
def platform_material(training_id: int):
    material = get_or_404(TrainingMaterial, training_id)
    figures = progress(material)
    return render_page("training/platform_material.html", material=material, figures=figures,
                       charts=(charts.progress_chart(figures), charts.progress_chart(figures, narrow=True)),
                       chart_sites=charts.CHART_SITES,
                       audience_text=audience_text,
                       action_form=ActionForm(formdata=None), today=now().date(), **_labels())


@_console("/platform/training/<int:training_id>/edit", methods=("GET", "POST"))
def platform_edit(training_id: int):
    material = get_or_404(TrainingMaterial, training_id)
    if request.method == "POST":
        form = _form_choices(MaterialForm())
        if form.validate_on_submit():
            done, changed = attempt(update_material, material, actor=current_user, form=form, aliases=ALIASES,
                                    **_material_fields(form))
            if done:
                db.session.commit()
                saved = changed or form.files.data
                flash(_("The training material was saved.") if saved else _("Nothing was changed."), "success")
                return redirect(url_for("training.platform_material", training_id=material.id))
        return _form_page(form, material)
    form = _form_choices(MaterialForm(formdata=None, obj=material))
    form.role_scope.data = "all" if material.all_roles else "chosen"
    form.roles.data = material.role_list
    form.group.data = str(material.group_id or "")
    form.sites.data = material.site_ids
    return _form_page(form, material)


@_console("/platform/training/<int:training_id>/publish", methods=("POST",))
def platform_publish(training_id: int):
    material = get_or_404(TrainingMaterial, training_id)
    submitted(ActionForm())
    done, _result = attempt(publish_material, material, actor=current_user)
    if done:
        db.session.commit()
        flash(_("Published: the material is delivered to its audience within ten minutes, and to people who join "
                "it later as they join."), "success")
    return redirect(url_for("training.platform_material", training_id=material.id))


@_console("/platform/training/<int:training_id>/withdraw", methods=("POST",))
def platform_withdraw(training_id: int):
    material = get_or_404(TrainingMaterial, training_id)
    submitted(ActionForm())
    done, _result = attempt(withdraw_material, material, actor=current_user)
    if done:
        db.session.commit()
        flash(_("Withdrawn: the sites no longer see it and nobody else gets it. The acknowledgements are kept."),
              "success")
    return redirect(url_for("training.platform_material", training_id=material.id))


@_console("/platform/training/files/<int:training_file_id>")
def platform_file(training_file_id: int):
    found = get_or_404(TrainingFile, training_file_id)
    path = stored_path(found.stored_name)
    if path is None:
        abort(404)
    return _send(path, found.filename, f"training-{found.material_id}-{found.id}")


@_console("/platform/training/files/<int:training_file_id>/remove", methods=("POST",))
def platform_remove_file(training_file_id: int):
    found = get_or_404(TrainingFile, training_file_id)
    material_id = found.material_id
    submitted(ActionForm())
    done, _result = attempt(remove_file, found, actor=current_user)
    if done:
        db.session.commit()
        flash(_("The file was taken off the material."), "success")
    return redirect(url_for("training.platform_edit", training_id=material_id))


def _example_form() -> ExampleForm:
    form = ExampleForm()
    form.site.choices = choices([("", _l("— choose a site —"))] + sorted(
        ((str(site.id), localized(site)) for site in all_sites()), key=lambda c: c[1]))
    return form


@_console("/platform/training/examples", methods=("GET", "POST"))
def platform_examples():
    form = _example_form()
    if form.validate_on_submit():
        done, _result = attempt(add_good_practice, actor=current_user, form=form,
                                site_id=parse_int(form.site.data or "", minimum=1),
                                item=form.item.data or "", note=form.note.data or "")
        if done:
            db.session.commit()
            flash(_("The example was added: every department sees it on its training page."), "success")
            return redirect(url_for("training.platform_examples"))
    return render_page("training/platform_examples.html", form=form, examples=good_practices(),
                       example_link=example_link, action_form=ActionForm(formdata=None))


@_console("/platform/training/examples/<int:example_id>/remove", methods=("POST",))
def platform_remove_example(example_id: int):
    found = get_or_404(GoodPractice, example_id)
    submitted(ActionForm())
    remove_good_practice(found, actor=current_user)
    db.session.commit()
    flash(_("The example was removed."), "success")
    return redirect(url_for("training.platform_examples"))


# --- a site's admin: the recipients -------------------------------------------------------------

def _here() -> Tenant:
    """This site's row (the request's `g.site` is the host map's detached summary, without its group)."""
    return db.session.get(Tenant, g.site.id)


def _readable(training_id: int) -> tuple[TrainingMaterial, set[str]]:
    """The material and the person's roles here; 404 when the person may not read it on this site."""
    material = get_or_404(TrainingMaterial, training_id)
    roles = site_roles(current_user)
    if not readable_here(material, current_user, roles, _here()):
        abort(404)
    return material, roles


def _gone_or_404(training_id: int):
    """The page for a material that reached the person's inbox but that they can no longer read here: withdrawn
    by the bureau, or no longer for their roles on this site (with the sites where it still is). Their inbox
    still links to it, so "not found" would only puzzle them; someone it never reached gets the 404."""
    material = get_or_404(TrainingMaterial, training_id)
    if not reached(current_user, material.id):
        abort(404)
    unread = inbox_message_ids(current_user, material.id)
    if unread:
        mark_read(current_user, unread)
        db.session.commit()
    elsewhere = [] if material.status != "published" else [
        (site, site_url(site, url_for("training.material", training_id=material.id)))
        for site in sites_for_person(material, current_user.id) if site.id != g.site.id]
    return render_page("training/gone.html", material=material, elsewhere=elsewhere), 410


@route(bp, "/admin/training/", permission="admin.enter")
def index():
    rows = materials_here(current_user, site_roles(current_user), _here())
    return render_page("training/index.html", rows=rows, examples=good_practices(), example_link=example_link,
                       today=now().date())


@route(bp, "/admin/training/<int:training_id>", permission="admin.enter")
def material(training_id: int):
    """One material; opening it marks its inbox messages read (the person has seen it)."""
    if not readable_here(get_or_404(TrainingMaterial, training_id), current_user, site_roles(current_user), _here()):
        return _gone_or_404(training_id)
    found, roles = _readable(training_id)
    unread = inbox_message_ids(current_user, found.id)
    if unread:
        mark_read(current_user, unread)
        db.session.commit()
    mine = in_audience_here(found, roles, _here())
    return render_page("training/material.html", material=found, mine=mine,
                       acknowledgement=acknowledgement_of(found.id, current_user.id),
                       action_form=ActionForm(formdata=None), today=now().date(), audience_text=audience_text)


@route(bp, "/admin/training/<int:training_id>/acknowledge", permission="admin.enter", methods=("POST",))
def acknowledge_material(training_id: int):
    submitted(ActionForm())
    material = get_or_404(TrainingMaterial, training_id)
    if not readable_here(material, current_user, site_roles(current_user), _here()) \
            and reached(current_user, material.id):
        return redirect(url_for("training.material", training_id=material.id))  # withdrawn meanwhile: it says so
    found, roles = _readable(training_id)
    done, new = attempt(acknowledge, found, user=current_user, roles=roles, site=_here())
    if done:
        db.session.commit()
        flash(_("Thank you: your reading is recorded.") if new else _("You had already confirmed reading it."),
              "success")
    return redirect(url_for("training.material", training_id=found.id))


@route(bp, "/admin/training/<int:training_id>/files/<int:training_file_id>", permission="admin.enter")
def download(training_id: int, training_file_id: int):
    """A file of a material the person may read here; any other is not found."""
    found, _roles = _readable(training_id)
    entry = next((f for f in found.files if f.id == training_file_id), None)
    path = stored_path(entry.stored_name) if entry is not None else None
    if path is None:
        abort(404)
    return _send(path, entry.filename, f"training-{found.id}-{entry.id}")


def _site_panel() -> dict:
    rows = materials_here(current_user, site_roles(current_user), _here())
    waiting = [r for r in rows if r.mine and r.acknowledged_at is None]
    return {"training_waiting": len(waiting), "training_next": min((r.material.due_on for r in waiting),
                                                                   default=None)}


def init_app(app) -> None:
    app.register_blueprint(bp)
    add_menu_item(app, "site", "training.index", _l("Training material"), "admin.enter", order=85)
    add_menu_item(app, "platform", "training.platform_index", _l("Training material"), VIEW, order=58)
    add_panel(app, "site", "training/_home_panel.html", _site_panel, "admin.enter", order=25)
