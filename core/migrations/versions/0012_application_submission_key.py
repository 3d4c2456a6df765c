"""applications remember the form that filed them, so a double submit files one application

Revision ID: 0012
Revises: 0011

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_service_applications_tenant_id_submission_key'),
                                          ['tenant_id', 'submission_key'])


def downgrade():
    with op.batch_alter_table('service_applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_service_applications_tenant_id_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')
