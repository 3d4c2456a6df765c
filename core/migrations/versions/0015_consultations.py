"""consultations (意见征集): drafts put to the public with their window, the opinions sent on them, the feedback summary

Revision ID: 0015
Revises: 0014

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('document_filename', sa.String(length=255), nullable=True),
    sa.Column('document_stored_name', sa.String(length=100), nullable=True),
    sa.Column('document_content_type', sa.String(length=150), nullable=True),
    sa.Column('document_size', sa.Integer(), nullable=True),
    sa.Column('office', sa.String(length=200), nullable=False),
    sa.Column('open_on', sa.Date(), nullable=False),
    sa.Column('close_on', sa.Date(), nullable=False),
    sa.Column('how_to', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('summary_text', sa.Text(), nullable=False),
    sa.Column('summary_published_at', sa.DateTime(), nullable=True),
    sa.Column('summary_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_consultations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['summary_by_id'], ['users.id'], name=op.f('fk_consultations_summary_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_consultations_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_consultations_tenant_id_id'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index('ix_consultations_listing', ['tenant_id', 'status', 'close_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('consultation_opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=100), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('decision', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_consultation_opinions_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'consultation_id'], ['consultations.tenant_id', 'consultations.id'], name=op.f('fk_consultation_opinions_tenant_id_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_consultation_opinions_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_opinions'))
    )
    with op.batch_alter_table('consultation_opinions', schema=None) as batch_op:
        batch_op.create_index('ix_consultation_opinions_listing', ['tenant_id', 'consultation_id', 'decision'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_opinions_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('consultation_opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_opinions_tenant_id'))
        batch_op.drop_index('ix_consultation_opinions_listing')

    op.drop_table('consultation_opinions')
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultations_tenant_id'))
        batch_op.drop_index('ix_consultations_listing')

    op.drop_table('consultations')
