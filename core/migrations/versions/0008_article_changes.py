"""a change to a published item waits over its live text: its state, its revisions, when it went live

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('articles') as batch_op:
        batch_op.add_column(sa.Column('change_status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('pending_revision', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('change_base_revision', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revised_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('articles') as batch_op:
        batch_op.drop_column('revised_at')
        batch_op.drop_column('change_base_revision')
        batch_op.drop_column('pending_revision')
        batch_op.drop_column('change_status')
