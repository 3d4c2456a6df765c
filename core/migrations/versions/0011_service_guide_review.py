"""service guides through review: the reviewer's note when sending a guide back, and who sent it for review

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_items') as batch_op:
        batch_op.add_column(sa.Column('guide_note', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('guide_submitted_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_service_items_guide_submitted_by_id_users'), 'users',
                                    ['guide_submitted_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('service_items') as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_service_items_guide_submitted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('guide_submitted_by_id')
        batch_op.drop_column('guide_note')
