"""Forms for sections: a site's own (its administrator) and the platform's mandatory set (the bureau)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import Form, choices, strip
from core.sections.models import KINDS
from core.web.loading import parse_int

KIND_LABELS = {
    "article_list": _l("Article list"),
    "policy_list": _l("Policy list"),
    "disclosure": _l("Government information disclosure"),
    "service_items": _l("Service items"),
    "forms": _l("Forms"),
    "online_services": _l("Online services"),
    "interaction": _l("Interaction"),
    "single_page": _l("Single page"),
    "external_link": _l("External link"),
}


def _section_id(value):
    """An option's value as a section id; "" is the top level; anything else refused (the field shows the error)."""
    if value in (None, "", "None"):
        return None
    found = value if isinstance(value, int) else parse_int(str(value), minimum=1)
    if found is None:
        raise ValueError("not a section of this list")
    return found


class SectionForm(Form):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    slug = StringField(_l("Address name"), validators=[DataRequired(), Length(max=40)], filters=[strip],
                       description=_l("Used in the address: /sections/<name>/. a-z, 0-9 and '-'."))
    kind = SelectField(_l("Kind"), choices=choices((k, KIND_LABELS[k]) for k in KINDS))
    parent_id = SelectField(_l("Under"), coerce=_section_id)
    homepage_priority = IntegerField(_l("Homepage position (empty: not on the homepage)"),
                                     validators=[Optional(), NumberRange(min=1, max=999)])
    in_nav = BooleanField(_l("Show in the top navigation"), default=True)
    external_url = StringField(_l("External address (for an external link)"), validators=[Optional(), Length(max=500)],
                               filters=[strip])
    submit = SubmitField(_l("Save section"))


class EditSectionForm(SectionForm):
    slug = None  # the address does not change once published
    kind = None


class MandatorySectionForm(Form):
    key = StringField(_l("Key"), validators=[DataRequired(), Length(max=40)], filters=[strip],
                      description=_l("Also the section's address on every site: /sections/<key>/. a-z, 0-9 and "
                                     "'-'. A site's own section with this address is renamed."),
                      render_kw={"autocapitalize": "none"})
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=100)], filters=[strip])
    kind = SelectField(_l("Kind"), choices=choices((k, KIND_LABELS[k]) for k in KINDS))
    position = IntegerField(_l("Place in the order (1 = first; empty = last)"),
                            validators=[Optional(), NumberRange(min=1, max=999)])
    homepage_priority = IntegerField(_l("Homepage position (empty: not on the homepage)"),
                                     validators=[Optional(), NumberRange(min=1, max=999)])
    in_nav = BooleanField(_l("Show in the top navigation"), default=True)
    submit = SubmitField(_l("Add to every site"))


class EditMandatorySectionForm(MandatorySectionForm):
    key = None  # the key is every site's address of the section: it does not change
    position = None  # the order changes with the move buttons
    submit = SubmitField(_l("Save for every site"))


class DeleteSectionForm(Form):
    confirmation = StringField(_l("To confirm, type the section's name"), validators=[Length(max=100)],
                               filters=[strip], render_kw={"autocomplete": "off", "autocapitalize": "none",
                                                           "spellcheck": "false"})
    submit = SubmitField(_l("Delete the section for good"))


class RemoveMandatorySectionForm(Form):
    confirm = BooleanField(_l("I understand that this section will no longer be required on every site."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Remove it from the set"))
