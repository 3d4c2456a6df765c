"""visit statistics: page views and unique visitors per site (and the portal) per day, per item per day, and the
batches moved from Redis (counts only: no address, hash or salt is ever stored)

Revision ID: 0028
Revises: 0027

"""
from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portal_visit_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.Column('unique_visitors', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portal_visit_days')),
    sa.UniqueConstraint('day', name=op.f('uq_portal_visit_days_day'))
    )
    op.create_table('visit_flushes',
    sa.Column('batch', sa.String(length=40), nullable=False),
    sa.Column('flushed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('batch', name=op.f('pk_visit_flushes'))
    )
    with op.batch_alter_table('visit_flushes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_flushes_flushed_at'), ['flushed_at'], unique=False)

    op.create_table('visit_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('page_views', sa.Integer(), nullable=False),
    sa.Column('unique_visitors', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_visit_days_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_days')),
    sa.UniqueConstraint('tenant_id', 'day', name=op.f('uq_visit_days_tenant_id_day'))
    )
    with op.batch_alter_table('visit_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_days_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('visit_item_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_visit_item_days_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_item_days')),
    sa.UniqueConstraint('tenant_id', 'day', 'article_id', name=op.f('uq_visit_item_days_tenant_id_day_article_id'))
    )
    with op.batch_alter_table('visit_item_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_item_days_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('visit_item_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_item_days_tenant_id'))

    op.drop_table('visit_item_days')
    with op.batch_alter_table('visit_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_days_tenant_id'))

    op.drop_table('visit_days')
    with op.batch_alter_table('visit_flushes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_flushes_flushed_at'))

    op.drop_table('visit_flushes')
    op.drop_table('portal_visit_days')
