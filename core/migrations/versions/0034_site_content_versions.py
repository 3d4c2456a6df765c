"""each site's own content version, so that a change on one site leaves the pages kept of every other site (the
page cache invalidated per site), and the version of changes no one site owns (the platform's mandatory sections,
the disclosure catalogue's categories)

Revision ID: 0034
Revises: 0033

"""
from alembic import op
import sqlalchemy as sa


revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None

registry_versions = sa.table('registry_versions', sa.column('name', sa.String), sa.column('version', sa.Integer))


def upgrade():
    op.create_table(
        'site_content_versions',
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_site_content_versions_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_site_content_versions')),
    )
    op.bulk_insert(registry_versions, [{'name': 'content_all', 'version': 0}])


def downgrade():
    op.execute(registry_versions.delete().where(registry_versions.c.name == 'content_all'))
    op.drop_table('site_content_versions')
