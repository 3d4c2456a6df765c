"""disclosure on application (依申请公开): applications with their clock and reply, their history and files

Revision ID: 0017
Revises: 0016

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disclosure_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tracking_code', sa.String(length=20), nullable=False),
    sa.Column('applicant_kind', sa.String(length=16), nullable=False),
    sa.Column('organisation_type', sa.String(length=20), nullable=True),
    sa.Column('applicant_name', sa.Text(), nullable=False),
    sa.Column('id_number', sa.Text(), nullable=True),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('legal_representative', sa.Text(), nullable=True),
    sa.Column('contact_name', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('document_number', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('delivery', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('registered_at', sa.DateTime(), nullable=True),
    sa.Column('clock_from', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('clarify_note', sa.Text(), nullable=False),
    sa.Column('clarification', sa.Text(), nullable=True),
    sa.Column('clarify_asked_at', sa.DateTime(), nullable=True),
    sa.Column('clarified_at', sa.DateTime(), nullable=True),
    sa.Column('extended_days', sa.Integer(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('reply_type', sa.String(length=30), nullable=True),
    sa.Column('reply_ground', sa.String(length=30), nullable=True),
    sa.Column('reply_text', sa.Text(), nullable=False),
    sa.Column('other_body', sa.String(length=200), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_disclosure_applications_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_applications')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_disclosure_applications_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'submission_key', name=op.f('uq_disclosure_applications_tenant_id_submission_key')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_disclosure_applications_tracking_code'))
    )
    with op.batch_alter_table('disclosure_applications', schema=None) as batch_op:
        batch_op.create_index('ix_disclosure_applications_queue', ['tenant_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_applications_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('disclosure_application_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_disclosure_application_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['disclosure_applications.tenant_id', 'disclosure_applications.id'], name=op.f('fk_disclosure_application_events_tenant_id_application_id_disclosure_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_disclosure_application_events_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_application_events'))
    )
    with op.batch_alter_table('disclosure_application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_application_events_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_application_events_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('disclosure_application_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=150), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['disclosure_applications.tenant_id', 'disclosure_applications.id'], name=op.f('fk_disclosure_application_files_tenant_id_application_id_disclosure_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_disclosure_application_files_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_application_files'))
    )
    with op.batch_alter_table('disclosure_application_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_application_files_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_application_files_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('disclosure_application_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_application_files_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_disclosure_application_files_application_id'))

    op.drop_table('disclosure_application_files')
    with op.batch_alter_table('disclosure_application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_application_events_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_disclosure_application_events_application_id'))

    op.drop_table('disclosure_application_events')
    with op.batch_alter_table('disclosure_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_applications_tenant_id'))
        batch_op.drop_index('ix_disclosure_applications_queue')

    op.drop_table('disclosure_applications')
