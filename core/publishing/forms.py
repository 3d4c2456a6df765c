"""The article form and the workflow step form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, DateTimeLocalField, HiddenField, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import DataRequired, Length, Optional

from core.content.labels import POLICY_LEVEL_LABELS, POLICY_STATUS_LABELS
from core.forms import Form, MultiCheckboxField, ascii_int, choices

#: What the form calls each field an editor changes; the revision compare names them the same way.
FIELD_LABELS = {
    "title": _l("Title"),
    "summary": _l("Summary"),
    "body_html": _l("Text"),
    "source": _l("Source"),
    "author": _l("Author"),
    "policy_level": _l("Level"),
    "document_number": _l("Document number"),
    "issuing_body": _l("Issuing body"),
    "issued_on": _l("Issued"),
    "effective_on": _l("In effect from"),
    "policy_status": _l("Status"),
    "disclosure_category_id": _l("Disclosure category"),
    "subject_id": _l("Subject classification"),
}


def optional_id(value):
    """`coerce` for a select of ids with an empty first option: "" is None, else ASCII digits only."""
    if value in (None, "", "None"):
        return None
    return ascii_int(value)


class ArticleForm(Form):
    section_id = SelectField(_l("Section"), coerce=ascii_int)
    title = StringField(FIELD_LABELS["title"], validators=[DataRequired(), Length(max=300)])
    summary = TextAreaField(FIELD_LABELS["summary"], validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    body_html = TextAreaField(FIELD_LABELS["body_html"], validators=[Optional(), Length(max=500_000)],
                              render_kw={"rows": 18, "data-rich-text": "1"})
    source = StringField(FIELD_LABELS["source"], validators=[Optional(), Length(max=200)])
    author = StringField(FIELD_LABELS["author"], validators=[Optional(), Length(max=100)])
    policy_level = SelectField(FIELD_LABELS["policy_level"], validators=[Optional()],
                               choices=choices([("", "—")] + list(POLICY_LEVEL_LABELS.items())))
    document_number = StringField(FIELD_LABELS["document_number"], validators=[Optional(), Length(max=100)])
    issuing_body = StringField(FIELD_LABELS["issuing_body"], validators=[Optional(), Length(max=200)])
    issued_on = DateField(FIELD_LABELS["issued_on"], validators=[Optional()])
    effective_on = DateField(FIELD_LABELS["effective_on"], validators=[Optional()])
    policy_status = SelectField(FIELD_LABELS["policy_status"], validators=[Optional()],
                                choices=choices([("", "—")] + list(POLICY_STATUS_LABELS.items())))
    # Filing in the disclosure catalogue (core.content.filing): the entries are filled in by the view.
    disclosure_category_id = SelectField(FIELD_LABELS["disclosure_category_id"], coerce=optional_id,
                                         validators=[Optional()], choices=[])
    subject_id = SelectField(FIELD_LABELS["subject_id"], coerce=optional_id, validators=[Optional()], choices=[])
    attachment = FileField(_l("Add a file (documents and images)"))
    attachment_alt = StringField(_l("For an image: what it shows (alternative text)"),
                                 validators=[Optional(), Length(max=300)])
    #: The stored names of the files to remove; the page draws one labelled checkbox beside each file.
    remove_attachments = MultiCheckboxField(_l("Remove these files"), choices=[])
    version = HiddenField()
    submit = SubmitField(_l("Save"))


class StepForm(Form):
    comment = TextAreaField(_l("Comment (required when sending back, withdrawing or publishing past review)"),
                            validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    publish_at = DateTimeLocalField(_l("Publish at (empty: now)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    expires_at = DateTimeLocalField(_l("Take down at (optional)"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    share_to_portal = BooleanField(_l("Also show it in the city portal's news"))
    #: Back-dating: a document issued before it was entered shows its own date (core.publishing.operations).
    dated = DateField(_l("Publication date, for an item issued earlier (empty: now)"), validators=[Optional()])
    backdate_reason = StringField(_l("Why it is dated earlier than it was written"),
                                  validators=[Optional(), Length(max=300)])


class BulkForm(Form):
    ids = MultiCheckboxField(coerce=ascii_int, choices=[])
    action = SelectField(_l("With the selected items"), choices=[])
    comment = StringField(_l("Comment (required to withdraw)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Apply"))
