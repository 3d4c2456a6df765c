"""the registry keeps when it last changed: lists across sites (the open-data API's) date a suspension, a resumption,
a rename or a deletion of a site, which changes them though no row of theirs changed

Revision ID: 0032
Revises: 0031

"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('registry_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('registry_versions', schema=None) as batch_op:
        batch_op.drop_column('changed_at')
