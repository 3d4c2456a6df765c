"""yearly disclosure reports: a version for saves made at once, and the inputs of the published text while a
correction is open

Revision ID: 0021
Revises: 0020

"""
from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('disclosure_reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published_inputs', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('disclosure_reports', schema=None) as batch_op:
        batch_op.drop_column('version')
        batch_op.drop_column('published_inputs')
