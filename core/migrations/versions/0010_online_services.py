"""online services: service items and their guides, the catalogue requests, applications with their steps, files and ratings

Revision ID: 0010
Revises: 0009

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('service_catalogue_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_service_catalogue_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_service_catalogue_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_catalogue_requests_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_catalogue_requests'))
    )
    with op.batch_alter_table('service_catalogue_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_catalogue_requests_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=50), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('theme', sa.String(length=50), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('conditions', sa.Text(), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('office', sa.String(length=200), nullable=False),
    sa.Column('fee_basis', sa.Text(), nullable=False),
    sa.Column('fee_standard', sa.Text(), nullable=False),
    sa.Column('hours', sa.String(length=300), nullable=False),
    sa.Column('phone', sa.String(length=100), nullable=False),
    sa.Column('statutory_days', sa.Integer(), nullable=True),
    sa.Column('promised_days', sa.Integer(), nullable=True),
    sa.Column('online_level', sa.String(length=16), nullable=False),
    sa.Column('application_fields', sa.Text(), nullable=False),
    sa.Column('guide_status', sa.String(length=16), nullable=False),
    sa.Column('published_guide', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('catalogue_status', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_items_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_items')),
    sa.UniqueConstraint('tenant_id', 'code', name=op.f('uq_service_items_tenant_id_code')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_service_items_tenant_id_id'))
    )
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.create_index('ix_service_items_listing', ['tenant_id', 'catalogue_status', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_items_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('tracking_code', sa.String(length=20), nullable=False),
    sa.Column('applicant_name', sa.Text(), nullable=False),
    sa.Column('id_number', sa.Text(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('officer_note', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['service_items.tenant_id', 'service_items.id'], name=op.f('fk_service_applications_tenant_id_item_id_service_items'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_applications_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_applications')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_service_applications_tenant_id_id')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_service_applications_tracking_code'))
    )
    with op.batch_alter_table('service_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_applications_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_service_applications_queue', ['tenant_id', 'status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_applications_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=150), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['service_items.tenant_id', 'service_items.id'], name=op.f('fk_service_forms_tenant_id_item_id_service_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_forms_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_forms'))
    )
    with op.batch_alter_table('service_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_forms_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_forms_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('blank_form_id', sa.Integer(), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['service_items.tenant_id', 'service_items.id'], name=op.f('fk_service_materials_tenant_id_item_id_service_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_materials_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_materials'))
    )
    with op.batch_alter_table('service_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_materials_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_materials_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'item_id'], ['service_items.tenant_id', 'service_items.id'], name=op.f('fk_service_steps_tenant_id_item_id_service_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_steps_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_steps'))
    )
    with op.batch_alter_table('service_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_steps_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_steps_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_application_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_service_application_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['service_applications.tenant_id', 'service_applications.id'], name=op.f('fk_service_application_events_tenant_id_application_id_service_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_application_events_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_application_events'))
    )
    with op.batch_alter_table('service_application_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_application_events_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_application_events_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_application_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field_key', sa.String(length=50), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=150), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['service_applications.tenant_id', 'service_applications.id'], name=op.f('fk_service_application_files_tenant_id_application_id_service_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_application_files_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_application_files'))
    )
    with op.batch_alter_table('service_application_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_application_files_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_application_files_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('service_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('problems', sa.String(length=200), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.Column('follow_up_answer', sa.Text(), nullable=False),
    sa.Column('follow_up_by_id', sa.Integer(), nullable=True),
    sa.Column('follow_up_at', sa.DateTime(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['follow_up_by_id'], ['users.id'], name=op.f('fk_service_feedback_follow_up_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'application_id'], ['service_applications.tenant_id', 'service_applications.id'], name=op.f('fk_service_feedback_tenant_id_application_id_service_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_service_feedback_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_feedback')),
    sa.UniqueConstraint('tenant_id', 'application_id', name=op.f('uq_service_feedback_tenant_id_application_id'))
    )
    with op.batch_alter_table('service_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_feedback_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_service_feedback_tenant_id'), ['tenant_id'], unique=False)



def downgrade():
    with op.batch_alter_table('service_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_feedback_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_service_feedback_application_id'))

    op.drop_table('service_feedback')
    with op.batch_alter_table('service_application_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_application_files_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_service_application_files_application_id'))

    op.drop_table('service_application_files')
    with op.batch_alter_table('service_application_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_application_events_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_service_application_events_application_id'))

    op.drop_table('service_application_events')
    with op.batch_alter_table('service_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_steps_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_service_steps_item_id'))

    op.drop_table('service_steps')
    with op.batch_alter_table('service_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_materials_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_service_materials_item_id'))

    op.drop_table('service_materials')
    with op.batch_alter_table('service_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_forms_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_service_forms_item_id'))

    op.drop_table('service_forms')
    with op.batch_alter_table('service_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_applications_tenant_id'))
        batch_op.drop_index('ix_service_applications_queue')
        batch_op.drop_index(batch_op.f('ix_service_applications_item_id'))

    op.drop_table('service_applications')
    with op.batch_alter_table('service_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_items_tenant_id'))
        batch_op.drop_index('ix_service_items_listing')

    op.drop_table('service_items')
    with op.batch_alter_table('service_catalogue_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_catalogue_requests_tenant_id'))

    op.drop_table('service_catalogue_requests')
