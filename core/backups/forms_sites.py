"""The console's forms for a whole site: its export's passphrase, confirming its deletion, importing an archive."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from core.forms import Form, strip


class ExportSiteForm(Form):
    """The passphrase that seals the archive's personal data, typed twice (its length is the operation's rule)."""

    passphrase = PasswordField(_l("Passphrase"), validators=[
        DataRequired(message=_l("Give the passphrase that protects the personal data in the archive.")),
        Length(max=200)], render_kw={"autocomplete": "new-password", "spellcheck": "false"})
    passphrase_again = PasswordField(_l("The passphrase again"), validators=[
        DataRequired(message=_l("Type the passphrase a second time.")),
        EqualTo("passphrase", message=_l("The two passphrases differ: type the same one twice."))],
        render_kw={"autocomplete": "new-password", "spellcheck": "false"})
    submit = SubmitField(_l("Download the export"))


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
    passphrase = PasswordField(_l("The archive's passphrase"), validators=[Optional(), Length(max=200)],
                               render_kw={"autocomplete": "off", "spellcheck": "false"},
                               description=_l("The passphrase given when the site was exported. An archive made by "
                                              "an earlier version of govsites has none: leave it empty."))
    submit = SubmitField(_l("Import the site"))
