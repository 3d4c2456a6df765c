"""Forms of the guides and the catalogue: the guide editor and requests, the bureau's import and decisions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, StringField, \
    SubmitField, TextAreaField
from wtforms.validators import NumberRange, Optional

from core.forms import Form, MultiCheckboxField, ascii_int, choices, strip
from core.services.fields import FILE_TYPES, TYPE_LABELS
from core.services.guide_fields import SCANS
from core.services.guide import FIELD_LABELS, KIND_LABELS, MATERIAL_FORM_LABELS, ONLINE_LABELS
from core.services.guides import MAX_COUNT, MAX_DAYS

_DAYS = [Optional(), NumberRange(0, MAX_DAYS)]


def optional_id(value) -> int | None:
    """A choice of "none" or of a row's id (an unknown value becomes one no choice has, so it is refused)."""
    if value in (None, "", "None"):
        return None
    try:
        return ascii_int(value)
    except ValueError:
        return -1


class GuideForm(Form):
    """The guide's text, time limits and how far it can be done online (the code, name and kind are the committee's)."""

    theme = StringField(FIELD_LABELS["theme"], filters=[strip],
                        description=_l("The theme the public finds it under, e.g. 就业创业, 社会保障."))
    legal_basis = TextAreaField(FIELD_LABELS["legal_basis"], filters=[strip], render_kw={"rows": 4},
                                description=_l("The laws and regulations that set the item, with their articles."))
    conditions = TextAreaField(FIELD_LABELS["conditions"], filters=[strip], render_kw={"rows": 5},
                               description=_l("Who may apply and what must be true; one condition per line."))
    location = StringField(FIELD_LABELS["location"], filters=[strip],
                           description=_l("The hall and window, with the street address."))
    office = StringField(FIELD_LABELS["office"], filters=[strip],
                         description=_l("The office that handles it, e.g. 行政审批科."))
    hours = StringField(FIELD_LABELS["hours"], filters=[strip],
                        description=_l("e.g. 工作日 上午9:00-12:00，下午13:30-17:00（法定节假日除外）"))
    phone = StringField(FIELD_LABELS["phone"], filters=[strip], description=_l("The office's public number."))
    fee_standard = TextAreaField(FIELD_LABELS["fee_standard"], filters=[strip], render_kw={"rows": 2},
                                 description=_l("What is charged, or 不收费 when it is free."))
    fee_basis = TextAreaField(FIELD_LABELS["fee_basis"], filters=[strip], render_kw={"rows": 2},
                              description=_l("The document that sets the fee; leave empty when it is free."))
    statutory_days = IntegerField(FIELD_LABELS["statutory_days"], validators=_DAYS,
                                  description=_l("Working days; leave empty when the law sets none."))
    promised_days = IntegerField(FIELD_LABELS["promised_days"], validators=_DAYS,
                                 description=_l("Working days the department promises, at most the law's; "
                                                "0 when it is done on the spot."))
    online_level = RadioField(FIELD_LABELS["online_level"], choices=choices(ONLINE_LABELS.items()),
                              default="in_person", render_kw={"class": "checkboxes"})
    version = HiddenField()
    submit = SubmitField(_l("Save the guide"))


class PartForm(Form):
    """A part of the guide's page posted on its own, its fields named with a prefix (several share a page).

    The app checks the page's CSRF token on every POST (`core.extensions.csrf`, as `csrf_token`); a prefixed
    form would look for its own under another name, so it does not check one itself.
    """

    class Meta:
        csrf = False


class MaterialForm(PartForm):
    name = StringField(_l("Material"), filters=[strip], description=_l("e.g. 居民身份证, 营业执照"))
    original_or_copy = SelectField(_l("Original or copy"), choices=choices(MATERIAL_FORM_LABELS.items()),
                                   default="original")
    count = IntegerField(_l("How many"), default=1, validators=[NumberRange(1, MAX_COUNT)])
    required = BooleanField(_l("Required (untick when only some applicants need it)"), default=True)
    note = StringField(_l("Note"), filters=[strip], description=_l("e.g. 需加盖单位公章; 委托办理的提供"))
    blank_form_id = SelectField(_l("Blank form to fill in"), choices=[], default="", coerce=lambda v: optional_id(v))
    submit = SubmitField(_l("Add the material"))


class StepForm(PartForm):
    title = StringField(_l("Step"), filters=[strip], description=_l("e.g. 申请, 受理, 审查, 决定, 送达"))
    description = TextAreaField(_l("What happens"), filters=[strip], render_kw={"rows": 3})
    submit = SubmitField(_l("Add the step"))


class FormUploadForm(PartForm):
    title = StringField(_l("Title"), filters=[strip], description=_l("Leave empty to use the file's name."))
    file = FileField(_l("The form (PDF, Word, Excel, WPS, OFD)"))
    submit = SubmitField(_l("Add the form"))


class ApplicationFieldForm(PartForm):
    """One field of the item's online application form, as the department describes it (no JSON to write)."""

    label = StringField(_l("Label"), filters=[strip], description=_l("What the applicant is asked, e.g. 工作单位."))
    label_en = StringField(_l("Label in English"), filters=[strip],
                           description=_l("Shown on the English pages; leave empty to show the Chinese."))
    type = SelectField(_l("Kind of answer"), choices=choices(TYPE_LABELS.items()), default="text")
    required = BooleanField(_l("The applicant must answer it"))
    help = TextAreaField(_l("Hint"), filters=[strip], render_kw={"rows": 2},
                         description=_l("Shown under the field, e.g. 与劳动合同一致."))
    help_en = TextAreaField(_l("Hint in English"), filters=[strip], render_kw={"rows": 2})
    max_length = IntegerField(_l("Longest answer, in characters"), validators=[Optional()],
                              description=_l("For text. Leave empty for the usual limit: 200 characters for a "
                                             "line, 2000 for a longer text."))
    minimum = DecimalField(_l("Smallest number"), places=None, validators=[Optional()],
                           description=_l("For a number. Leave empty when there is no limit."))
    maximum = DecimalField(_l("Largest number"), places=None, validators=[Optional()],
                           description=_l("For a number. Leave empty when there is no limit."))
    options = TextAreaField(_l("Options"), filters=[strip], render_kw={"rows": 4},
                            description=_l("For a choice: one option per line."))
    extensions = MultiCheckboxField(_l("File types taken"), choices=choices((e, e.upper()) for e in FILE_TYPES),
                                    default=list(SCANS), render_kw={"class": "checkboxes"})
    max_mb = DecimalField(_l("Largest file, in MB"), places=None, validators=[Optional()],
                          description=_l("For a file. Leave empty for 10 MB (or the platform's limit, if lower)."))
    submit = SubmitField(_l("Add the field"))

    def values(self) -> dict:
        """What the operations of core.services.guide_fields take."""
        values = {name: getattr(self, name).data for name in (
            "label", "label_en", "type", "required", "help", "help_en", "max_length", "minimum", "maximum",
            "extensions", "max_mb")}
        return {**values, "choices": self.options.data}


class ReturnForm(PartForm):
    comment = TextAreaField(_l("What should be changed"), filters=[strip], render_kw={"rows": 3})
    submit = SubmitField(_l("Send back to the editors"))


class RemovalForm(PartForm):
    reason = TextAreaField(_l("Why it should be removed"), filters=[strip], render_kw={"rows": 3},
                           description=_l("Name the committee's decision (document number), if there is one."))
    submit = SubmitField(_l("Ask the bureau to remove it"))


class AdditionForm(Form):
    code = StringField(_l("Item code"), filters=[strip], description=_l("The committee's code of the item."))
    name = StringField(_l("Item name"), filters=[strip])
    kind = RadioField(_l("Kind"), choices=choices(KIND_LABELS.items()), default="licensing",
                      render_kw={"class": "checkboxes"})
    reason = TextAreaField(_l("Why it should be added"), filters=[strip], render_kw={"rows": 3},
                           description=_l("Name the committee's decision (document number), if there is one."))
    submit = SubmitField(_l("Ask the bureau to add it"))


class ImportForm(Form):
    file = FileField(_l("The committee's list (CSV or Excel .xlsx)"))
    complete_list = BooleanField(_l("This is the whole list of the sites it names: remove their items it does "
                                    "not list"))
    submit = SubmitField(_l("Import the list"))


class RefusalForm(Form):
    answer = TextAreaField(_l("Why it is refused"), filters=[strip], render_kw={"rows": 2})
    submit = SubmitField(_l("Refuse"))
