"""The article form and the workflow step form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from core.content.labels import POLICY_LEVEL_LABELS, POLICY_STATUS_LABELS
from core.forms import Form, MultiCheckboxField, choices


class ArticleForm(Form):
    section_id = SelectField(_l("Section"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    body_html = TextAreaField(_l("Text"), validators=[Optional(), Length(max=500_000)],
                              render_kw={"rows": 18, "data-rich-text": "1"})
    source = StringField(_l("Source"), validators=[Optional(), Length(max=200)])
    author = StringField(_l("Author"), validators=[Optional(), Length(max=100)])
    policy_level = SelectField(_l("Level"), validators=[Optional()],
                               choices=choices([("", "—")] + list(POLICY_LEVEL_LABELS.items())))
    document_number = StringField(_l("Document number"), validators=[Optional(), Length(max=100)])
    issuing_body = StringField(_l("Issuing body"), validators=[Optional(), Length(max=200)])
    issued_on = DateField(_l("Issued"), validators=[Optional()])
    effective_on = DateField(_l("In effect from"), validators=[Optional()])
    policy_status = SelectField(_l("Status"), validators=[Optional()],
                                choices=choices([("", "—")] + list(POLICY_STATUS_LABELS.items())))
    attachment = FileField(_l("Add a file (documents and images)"))
    attachment_alt = StringField(_l("For an image: what it shows (alternative text)"),
                                 validators=[Optional(), Length(max=300)])
    remove_attachments = MultiCheckboxField(_l("Remove these files"), coerce=int, choices=[])
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class StepForm(Form):
    comment = TextAreaField(_l("Comment (required when sending back, withdrawing or publishing past review)"),
                            validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    publish_at = DateTimeLocalField(_l("Publish at (empty: now)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    expires_at = DateTimeLocalField(_l("Take down at (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    share_to_portal = BooleanField(_l("Also show it in the city portal's news"))


class BulkForm(Form):
    ids = MultiCheckboxField(coerce=int, choices=[])
    action = SelectField(_l("With the selected items"), choices=[])
    comment = StringField(_l("Comment"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Apply"))
