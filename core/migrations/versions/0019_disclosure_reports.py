"""the yearly disclosure report (政府信息公开工作年度报告): the figures and text each site's report is generated from

Revision ID: 0019
Revises: 0018

"""
from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disclosure_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('computed', sa.Text(), nullable=False),
    sa.Column('manual', sa.Text(), nullable=False),
    sa.Column('overview', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('other', sa.Text(), nullable=False),
    sa.Column('generated_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_disclosure_reports_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'article_id'], ['articles.tenant_id', 'articles.id'], name=op.f('fk_disclosure_reports_tenant_id_article_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_disclosure_reports_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_reports')),
    sa.UniqueConstraint('tenant_id', 'year', name=op.f('uq_disclosure_reports_tenant_id_year'))
    )
    with op.batch_alter_table('disclosure_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_reports_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_reports_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('disclosure_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_reports_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_disclosure_reports_article_id'))

    op.drop_table('disclosure_reports')
