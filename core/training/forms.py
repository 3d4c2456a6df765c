"""The forms of training material: the bureau's material and examples (acknowledging is an action button)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf.file import MultipleFileField
from wtforms import DateField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from core.auth.forms import ROLE_LABELS
from core.auth.models import SITE_ROLES
from core.forms import Form, MultiCheckboxField, ascii_int, choices, strip
from core.training.operations import DESCRIPTION_LIMIT, NOTE_LIMIT

ROLE_SCOPES = {"all": _l("Every role"), "chosen": _l("The roles ticked below")}
SITE_SCOPE_LABELS = {"all": lazy_pgettext("training audience", "Every site"), "group": _l("The sites of one group"),
                     "sites": _l("The sites ticked below")}


class MaterialForm(Form):
    title = StringField(_l("Title"), filters=[strip],
                        validators=[DataRequired(_l("Give the material a title.")), Length(max=200)],
                        render_kw={"maxlength": 200})
    description = TextAreaField(_l("Description"), filters=[strip],
                                validators=[Optional(), Length(max=DESCRIPTION_LIMIT)],
                                description=_l("What it is about and what the reader should take from it; sent "
                                               "with the message. Plain text."),
                                render_kw={"rows": 5})
    due_on = DateField(_l("To be read by"),
                       validators=[InputRequired(_l("Give the day by which it should be read, as on a calendar "
                                                    "(e.g. 2026-12-31)."))],
                       description=_l("A reminder goes, once, a few working days before it to those who have not "
                                      "confirmed reading it."))
    role_scope = RadioField(_l("For which roles"), choices=choices(ROLE_SCOPES.items()), default="all",
                            validators=[InputRequired(_l("Choose which roles the material is for."))])
    roles = MultiCheckboxField(_l("Roles"), choices=choices((r, ROLE_LABELS[r]) for r in SITE_ROLES))
    site_scope = RadioField(_l("For which sites"), choices=choices(SITE_SCOPE_LABELS.items()), default="all",
                            validators=[InputRequired(_l("Choose which sites the material is for."))])
    group = SelectField(_l("Group"), choices=[], validate_choice=False)
    sites = MultiCheckboxField(_l("Sites"), choices=[], coerce=ascii_int)
    files = MultipleFileField(_l("Files"))
    submit = SubmitField(_l("Save"))


class ExampleForm(Form):
    site = SelectField(_l("Site"), choices=[], validators=[InputRequired(_l("Choose the site."))])
    item = StringField(_l("Item (optional)"), filters=[strip], validators=[Optional(), Length(max=500)],
                       description=_l("Leave it empty to show the site as a whole; else the item's number or the "
                                      "address of its public page, e.g. http://rsj.localhost/articles/123."),
                       render_kw={"maxlength": 500})
    note = TextAreaField(_l("What to learn from it"), filters=[strip],
                         validators=[DataRequired(_l("Say what the other departments can learn from it.")),
                                     Length(max=NOTE_LIMIT)],
                         render_kw={"rows": 4})
    submit = SubmitField(_l("Add the example"))
