"""content version counter for the public page cache

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

registry_versions = sa.table('registry_versions', sa.column('name', sa.String), sa.column('version', sa.Integer))


def upgrade():
    # Bumped with every change to sections, articles or attachments; cached pages compare it.
    op.bulk_insert(registry_versions, [{'name': 'content', 'version': 0}])


def downgrade():
    op.execute(registry_versions.delete().where(registry_versions.c.name == 'content'))
