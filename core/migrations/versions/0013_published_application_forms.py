"""published guides carry their application form, so editing the form waits for review like the rest

Before this revision the public's application form was read from the item's
working copy; a guide published earlier gets the form it was being filed with
(the working copy's) written into its published snapshot.

Revision ID: 0013
Revises: 0012

"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

items = sa.table('service_items', sa.column('id', sa.Integer), sa.column('application_fields', sa.Text),
                 sa.column('published_guide', sa.Text))


def _fields(raw):
    try:
        fields = json.loads(raw or "[]")
    except ValueError:
        return []
    return fields if isinstance(fields, list) else []


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(items.c.id, items.c.application_fields, items.c.published_guide)
                              .where(items.c.published_guide.is_not(None))).all()
    for row in rows:
        try:
            guide = json.loads(row.published_guide)
        except ValueError:
            continue
        if not isinstance(guide, dict) or "application_fields" in guide:
            continue
        guide["application_fields"] = _fields(row.application_fields)
        connection.execute(items.update().where(items.c.id == row.id)
                           .values(published_guide=json.dumps(guide, ensure_ascii=False)))


def downgrade():
    # The snapshots keep the extra key: the code before this revision ignores it.
    pass
