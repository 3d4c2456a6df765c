"""the security checks: each site's findings and the platform's, kept from run to run; the bureau's forbidden
words, wrong official expressions and allowed outside hosts

Revision ID: 0024
Revises: 0023

"""
from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('security_allowed_hosts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('host', sa.String(length=253), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_allowed_hosts')),
    sa.UniqueConstraint('host', name=op.f('uq_security_allowed_hosts_host'))
    )
    op.create_table('security_words',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('phrase', sa.String(length=60), nullable=False),
    sa.Column('correct', sa.String(length=120), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_words')),
    sa.UniqueConstraint('kind', 'phrase', name='uq_security_words_kind_phrase')
    )
    op.create_table('platform_security_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('object_key', sa.String(length=200), nullable=False),
    sa.Column('object_name', sa.String(length=300), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('personal', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_by_name', sa.String(length=100), nullable=False),
    sa.Column('accept_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'],
                            name=op.f('fk_platform_security_findings_accepted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_platform_security_findings')),
    sa.UniqueConstraint('rule', 'object_key', name='uq_platform_security_findings_identity')
    )
    op.create_table('security_findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=80), nullable=False),
    sa.Column('object_key', sa.String(length=200), nullable=False),
    sa.Column('object_name', sa.String(length=300), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=False),
    sa.Column('personal', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_by_name', sa.String(length=100), nullable=False),
    sa.Column('accept_reason', sa.Text(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'],
                            name=op.f('fk_security_findings_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_security_findings_tenant_id_tenants'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_findings')),
    sa.UniqueConstraint('tenant_id', 'rule', 'object_key', name='uq_security_findings_identity')
    )
    with op.batch_alter_table('security_findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_findings_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_security_findings_tenant_state', ['tenant_id', 'state'], unique=False)



def downgrade():
    with op.batch_alter_table('security_findings', schema=None) as batch_op:
        batch_op.drop_index('ix_security_findings_tenant_state')
        batch_op.drop_index(batch_op.f('ix_security_findings_tenant_id'))

    op.drop_table('security_findings')
    op.drop_table('platform_security_findings')
    op.drop_table('security_words')
    op.drop_table('security_allowed_hosts')
