"""job runs: how far a long run has got (its stage, units done and total)

Revision ID: 0022
Revises: 0021

"""
from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('progress_label', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('progress_done', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('progress_total', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('progress_unit', sa.String(length=8), nullable=False, server_default='items'))


def downgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_column('progress_unit')
        batch_op.drop_column('progress_total')
        batch_op.drop_column('progress_done')
        batch_op.drop_column('progress_label')
