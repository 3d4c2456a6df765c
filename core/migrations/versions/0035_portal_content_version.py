"""the city portal's own content version, moved only by changes to what the portal shows (news, sections, the
yearly reports), so that a letter answered or a service guide edited on one site leaves the portal's kept pages
alone

Revision ID: 0035
Revises: 0034

"""
from alembic import op
import sqlalchemy as sa


revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

registry_versions = sa.table('registry_versions', sa.column('name', sa.String), sa.column('version', sa.Integer))


def upgrade():
    op.bulk_insert(registry_versions, [{'name': 'content_portal', 'version': 0}])


def downgrade():
    op.execute(registry_versions.delete().where(registry_versions.c.name == 'content_portal'))
