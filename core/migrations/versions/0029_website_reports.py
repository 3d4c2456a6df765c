"""the yearly website report (政府网站工作年度报表): one row per site and year, with the figures the platform
counted and the lines the site entered

Revision ID: 0029
Revises: 0028

"""
from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('website_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('computed', sa.Text(), nullable=False),
    sa.Column('manual', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('saved_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_website_reports_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_website_reports_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_website_reports_saved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_website_reports_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_website_reports')),
    sa.UniqueConstraint('tenant_id', 'year', name=op.f('uq_website_reports_tenant_id_year'))
    )
    with op.batch_alter_table('website_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_website_reports_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('website_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_website_reports_tenant_id'))

    op.drop_table('website_reports')
