"""Forms for sections: a site's own (its administrator) and the platform's mandatory set (the bureau)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import Form, choices, strip
from core.sections.models import DEFAULT_UPDATE_CLASS, KINDS, UPDATE_CLASSES
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


#: How often a section must be updated, as people say it (core.sections.models.UPDATE_CLASSES).
UPDATE_CLASS_LABELS = {
    "news": _l("News-like: something new within 14 days"),
    "notices": _l("Notices and policy documents: something new within 6 months"),
    "as_needed": _l("As needed: when there is something, never left for a year"),
    "never": _l("Never: a fixed page"),
}
#: The same, short, for tables.
UPDATE_CLASS_SHORT = {
    "news": _l("News-like"),
    "notices": _l("Notices and policies"),
    "as_needed": _l("As needed"),
    "never": _l("Never"),
}


def _update_class_field():
    return SelectField(_l("How often it is updated"), default=DEFAULT_UPDATE_CLASS,
                       choices=choices((k, UPDATE_CLASS_LABELS[k]) for k in UPDATE_CLASSES),
                       description=_l("The evaluation counts a section overdue by this: news-like sections within "
                                      "14 days, notices and policy documents within 6 months, and any section but a "
                                      "fixed page once a year."))


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
    update_class = _update_class_field()
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
    update_class = _update_class_field()
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


class EmptyNoteForm(Form):
    empty_note = StringField(_l("Why this section has nothing in it"), validators=[Length(max=300)],
                             filters=[strip],
                             description=_l("For a section that rightly has nothing yet, e.g. “No administrative "
                                            "penalty was decided this year.” The public sees the note on the "
                                            "section's page, and the evaluation does not count the section as "
                                            "empty. Leave it blank to take the note away."))
    submit = SubmitField(_l("Save the note"))


class RemoveMandatorySectionForm(Form):
    confirm = BooleanField(_l("I understand that this section will no longer be required on every site."),
                           validators=[DataRequired(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Remove it from the set"))
