"""The yearly disclosure report's forms: the year to prepare, and the figures and paragraphs the site enters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, HiddenField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from core.disclosure.report import MAX_COUNT
from core.disclosure.report_layout import (AMOUNT_FIGURES, COLUMN_NAMES, ENTERED_COLUMNS, ENTERED_ROWS,
                                           MANUAL_LABELS, ROW_NAMES, entered_field)
from core.forms import Form, ascii_int, strip

#: The longest paragraph text a part of the report may hold, in characters.
TEXT_LIMIT = 20_000


class PrepareForm(Form):
    year = SelectField(_l("Year"), coerce=ascii_int, validators=[InputRequired()])
    submit = SubmitField(_l("Prepare the report"))


def _figure_field(key: str):
    if key in AMOUNT_FIGURES:
        return DecimalField(MANUAL_LABELS[key], places=2, validators=[Optional(), NumberRange(min=0)],
                            render_kw={"inputmode": "decimal"})
    return IntegerField(MANUAL_LABELS[key], validators=[Optional(), NumberRange(min=0, max=MAX_COUNT)],
                        render_kw={"inputmode": "numeric"})


class ReportForm(Form):
    """The report's hand-entered figures (one field per key of `report_layout.MANUAL_LABELS`, and one per cell of
    table 三 the office adds to: `report_layout.entered_field`) and paragraphs."""

    version = HiddenField()
    overview = TextAreaField(_l("1. Overview"), validators=[Optional(), Length(max=TEXT_LIMIT)], filters=[strip],
                             render_kw={"rows": 8},
                             description=_l("How the office carried out the disclosure regulation this year: "
                                            "proactive disclosure, disclosure on application, information "
                                            "management, the platforms, supervision. One paragraph per line."))
    problems = TextAreaField(_l("5. Main problems and improvements"), validators=[Optional(), Length(max=TEXT_LIMIT)],
                             filters=[strip], render_kw={"rows": 5},
                             description=_l("Last year's problems and how they were put right; this year's, and "
                                            "what the office will do."))
    other = TextAreaField(_l("6. Other matters to report"), validators=[Optional(), Length(max=TEXT_LIMIT)],
                          filters=[strip], render_kw={"rows": 4},
                          description=_l("Fees charged for disclosure on application, the key tasks of the "
                                         "year's disclosure plan, the suggestions and proposals handled; "
                                         "left empty, the report says “无”."))
    submit = SubmitField(_l("Save and generate the text"))


for _key in MANUAL_LABELS:
    setattr(ReportForm, _key, _figure_field(_key))
for _row in ENTERED_ROWS:
    for _column in ENTERED_COLUMNS:
        # The cell's label is the template's own words (its row and column), as the report prints them.
        setattr(ReportForm, entered_field(_row, _column),
                IntegerField(f"{ROW_NAMES[_row]}（{COLUMN_NAMES[_column]}）",
                             validators=[Optional(), NumberRange(min=0, max=MAX_COUNT)],
                             render_kw={"inputmode": "numeric", "size": 4}))


def entered_applications(form: ReportForm) -> dict:
    """Table 三's hand-entered cells of a posted form: {row: {column: count or None}}."""
    return {row: {column: form[entered_field(row, column)].data for column in ENTERED_COLUMNS}
            for row in ENTERED_ROWS}
