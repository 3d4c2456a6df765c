"""letters carry a version counter (two steps taken at once on one letter make one step); a letter's steps carry a
note for the staff only (the forwarding note, never shown to the writer)

Revision ID: 0018
Revises: 0017

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interaction_letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('interaction_letter_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_note', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('interaction_letter_events', schema=None) as batch_op:
        batch_op.drop_column('staff_note')
    with op.batch_alter_table('interaction_letters', schema=None) as batch_op:
        batch_op.drop_column('version')
