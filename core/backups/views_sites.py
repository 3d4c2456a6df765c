"""The console's pages for a whole site: download its export, delete it, import an archive.

Changing needs platform.manage; the pages read with platform.view show the
evaluator what they would do, without the buttons.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, request, send_file, url_for
from flask_babel import lazy_gettext as _l

from core.backups.archive import archive_name
from core.backups.archive_crypt import MIN_PASSPHRASE
from core.backups.archive_import import LIST_LABELS, ImportResult, import_site
from core.backups.archive_sites import delete_site, export_site
from core.backups.forms_sites import DeleteSiteForm, ExportSiteForm, ImportSiteForm
from core.content.labels import human_size
from core.extensions import db
from core.i18n import localized
from core.sites.parts import add_site_part
from core.web import add_menu_item, get_or_404, route
from core.web.actions import attempt
from tenants.models import Tenant
from themes import render_page

bp = Blueprint("backups_sites", __name__, template_folder="templates")
VIEW, MANAGE = "platform.view", "platform.manage"


def _console(rule: str, methods=("GET",)):
    return route(bp, rule, permission=VIEW, write=MANAGE, host="platform", methods=methods)


@_console("/platform/sites/<int:tenant_id>/export", methods=("GET", "POST"))
def platform_export(tenant_id: int):
    """The passphrase asked for, then the site's archive as a download, made now; recorded on the platform's log
    (it holds the site's whole record, its personal data sealed with the passphrase)."""
    tenant = get_or_404(Tenant, tenant_id)
    form = ExportSiteForm()
    if form.validate_on_submit():
        folder = Path(tempfile.mkdtemp(prefix="govsites-export-"))
        name = archive_name(tenant.slug)
        try:
            done, result = attempt(export_site, tenant, folder / name, passphrase=form.passphrase.data, form=form)
            if done:
                db.session.commit()
                # Opened, then removed from the disk: the answer streams it, and no copy stays behind whatever
                # happens.
                return _download(open(result.path, "rb"), name)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return render_page("backups/sites_export.html", tenant=tenant, form=form, least=MIN_PASSPHRASE)


def _download(handle, name: str):
    response = send_file(handle, as_attachment=True, download_name=name, mimetype="application/zip", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@_console("/platform/sites/<int:tenant_id>/delete", methods=("GET", "POST"))
def platform_delete(tenant_id: int):
    tenant = get_or_404(Tenant, tenant_id)
    form = DeleteSiteForm()
    if form.validate_on_submit():
        name, slug = localized(tenant), tenant.slug
        done, removed = attempt(delete_site, tenant, confirm_slug=form.confirm_slug.data or "", form=form)
        if done:
            db.session.commit()
            flash(str(_l("The site %(name)s (%(slug)s) was deleted: %(rows)s records and its files.", name=name,
                         slug=slug, rows=sum(removed.values()))), "success")
            return redirect(url_for("sites.platform_index"))
    return render_page("backups/sites_delete.html", tenant=tenant, form=form)


@_console("/platform/sites/import", methods=("GET", "POST"))
def platform_import():
    form = ImportSiteForm()
    limit = current_app.config["SITE_ARCHIVE_MAX_BYTES"]
    if form.validate_on_submit():
        upload = form.archive.data
        size = _size(upload)
        if not upload or not getattr(upload, "filename", "") or not size:
            form.archive.errors.append(str(_l("Choose the site's archive (a .site.zip file).")))
        elif size > limit:
            form.archive.errors.append(str(_l(
                "The archive is %(size)s; the console takes up to %(limit)s. Import it on the server with "
                "“flask backup import-site”.", size=human_size(size), limit=human_size(limit))))
        else:
            done, result = attempt(import_site, upload.stream, slug=form.slug.data or None,
                                   domain=form.domain.data or None, passphrase=form.passphrase.data or None,
                                   form=form)
            if done:
                db.session.commit()
                _report(result)
                return redirect(url_for("sites.platform_site", tenant_id=result.tenant.id))
    return render_page("backups/sites_import.html", form=form, limit=human_size(limit))


def _size(upload) -> int:
    stream = getattr(upload, "stream", None)
    if stream is None:
        return 0
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def _report(result: ImportResult) -> None:
    flash(str(_l("The site %(name)s was imported: %(rows)s records, %(files)s files. Accounts: %(created)s created "
                 "from the archive, %(linked)s already here (their passwords are unchanged).",
                 name=localized(result.tenant), rows=result.total_rows, files=result.files,
                 created=len(result.users_created), linked=len(result.users_linked))), "success")
    if result.personal_data == "clear":
        flash(str(_l("The archive was made by an earlier version of govsites and held its personal data in clear: "
                     "delete the file now that the site is imported.")), "warning")
    if result.links_restored:
        flash(str(_l("Letters of other sites forwarded to or from this site were linked to it again: %(n)s.",
                     n=result.links_restored)), "success")
    for table, name in result.platform_added:
        flash(str(_l("Added to the platform's list “%(list)s”: %(name)s (the site's items are filed under it).",
                     list=LIST_LABELS.get(table, table), name=name)), "warning")


def _raise_upload_limit() -> None:
    """A site's archive is far larger than any other upload: its page takes up to SITE_ARCHIVE_MAX_BYTES (and a
    little more, so that the form can say the file is too large); every other page keeps the usual limit."""
    if request.endpoint == "backups_sites.platform_import" and request.method == "POST":
        request.max_content_length = int(current_app.config["SITE_ARCHIVE_MAX_BYTES"]) + 1024 * 1024


def init_app(app) -> None:
    app.register_blueprint(bp)
    # Before the CSRF check, which reads the form (core.create_app sets CSRF up after every module).
    app.before_request(_raise_upload_limit)
    add_site_part(app, "backups/sites_site_part.html", order=10)
    add_menu_item(app, "platform", "backups_sites.platform_import", _l("Import a site"), VIEW, order=75)
