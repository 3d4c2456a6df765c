"""The console's forms for a whole site: confirming its deletion, importing an archive."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import StringField, SubmitField
from wtforms.validators import Length, Optional

from core.forms import Form, strip


class DeleteSiteForm(Form):
    """The short name typed again: the one thing that lets the deletion through."""

    confirm_slug = StringField(_l("The site's short name, typed again"), validators=[Length(max=32)],
                               filters=[strip], render_kw={"autocapitalize": "none", "autocomplete": "off",
                                                           "spellcheck": "false"})
    submit = SubmitField(_l("Delete the site for good"))


class ImportSiteForm(Form):
    """An archive exported by `flask backup export-site` or the console; optionally another name and domain."""

    archive = FileField(_l("Site archive (.site.zip)"), render_kw={"accept": ".zip,application/zip"})
    slug = StringField(_l("Another short name (optional)"), validators=[Optional(), Length(max=32)],
                       filters=[strip], render_kw={"autocapitalize": "none"},
                       description=_l("Leave empty to keep the archive's. Give one when a site here already has it."))
    domain = StringField(_l("Another domain (optional)"), validators=[Optional(), Length(max=253)], filters=[strip],
                         render_kw={"autocapitalize": "none"},
                         description=_l("Leave empty to keep the archive's domains. A domain given here replaces "
                                        "them all (the aliases can be added again on the site's page)."))
    submit = SubmitField(_l("Import the site"))
