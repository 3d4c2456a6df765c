"""letters carry a version counter: two steps taken at once on one letter make one step

Revision ID: 0016
Revises: 0015

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interaction_letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('interaction_letters', schema=None) as batch_op:
        batch_op.drop_column('version')
