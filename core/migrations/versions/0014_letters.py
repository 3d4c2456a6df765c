"""letters to the mailboxes: mailboxes and options per site, letters with their history, published letters

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 23:10:11.193044

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    # Personal data columns (writer_name, phone, email) are core.privacy.crypto.EncryptedText: Text holding tokens.
    op.create_table('interaction_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('query_code', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('writer_name', sa.Text(), nullable=False),
    sa.Column('phone', sa.Text(), nullable=False),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('text_hash', sa.String(length=64), nullable=False),
    sa.Column('may_publish', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('hold_reason', sa.String(length=16), nullable=True),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('reply_office', sa.String(length=200), nullable=False),
    sa.Column('replied_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.Column('info_request', sa.Text(), nullable=False),
    sa.Column('not_accepted_reason', sa.String(length=16), nullable=True),
    sa.Column('not_accepted_note', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('reply_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('paused_since', sa.DateTime(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('forwarded_to_id', sa.Integer(), nullable=True),
    sa.Column('forwarded_letter_id', sa.Integer(), nullable=True),
    sa.Column('forwarded_from_id', sa.Integer(), nullable=True),
    sa.Column('forwarded_from_letter_id', sa.Integer(), nullable=True),
    sa.Column('first_received_at', sa.DateTime(), nullable=True),
    sa.Column('rating', sa.String(length=24), nullable=True),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('attachment_stored', sa.String(length=100), nullable=True),
    sa.Column('attachment_type', sa.String(length=150), nullable=True),
    sa.Column('attachment_size', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_interaction_letters_assigned_to_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['forwarded_from_id'], ['tenants.id'], name=op.f('fk_interaction_letters_forwarded_from_id_tenants'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['forwarded_to_id'], ['tenants.id'], name=op.f('fk_interaction_letters_forwarded_to_id_tenants'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_interaction_letters_replied_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_interaction_letters_reviewed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_interaction_letters_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction_letters')),
    sa.UniqueConstraint('tenant_id', 'id', name=op.f('uq_interaction_letters_tenant_id_id')),
    sa.UniqueConstraint('tenant_id', 'query_code', name=op.f('uq_interaction_letters_tenant_id_query_code')),
    sa.UniqueConstraint('tenant_id', 'submission_key', name=op.f('uq_interaction_letters_tenant_id_submission_key'))
    )
    with op.batch_alter_table('interaction_letters', schema=None) as batch_op:
        batch_op.create_index('ix_interaction_letters_queue', ['tenant_id', 'status', 'due_on'], unique=False)
        batch_op.create_index('ix_interaction_letters_repeat', ['tenant_id', 'phone_hash', 'text_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_interaction_letters_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('interaction_mailboxes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('rules', sa.Text(), nullable=False),
    sa.Column('reply_days', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_interaction_mailboxes_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction_mailboxes')),
    sa.UniqueConstraint('tenant_id', 'kind', name=op.f('uq_interaction_mailboxes_tenant_id_kind'))
    )
    with op.batch_alter_table('interaction_mailboxes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interaction_mailboxes_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('interaction_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_replies', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_interaction_options_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction_options')),
    sa.UniqueConstraint('tenant_id', name=op.f('uq_interaction_options_tenant_id'))
    )
    with op.batch_alter_table('interaction_options', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interaction_options_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('interaction_letter_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_text', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_interaction_letter_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'letter_id'], ['interaction_letters.tenant_id', 'interaction_letters.id'], name=op.f('fk_interaction_letter_events_tenant_id_letter_id_interaction_letters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_interaction_letter_events_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction_letter_events'))
    )
    with op.batch_alter_table('interaction_letter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interaction_letter_events_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interaction_letter_events_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('interaction_published_letters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('reply_office', sa.String(length=200), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_interaction_published_letters_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id', 'letter_id'], ['interaction_letters.tenant_id', 'interaction_letters.id'], name=op.f('fk_interaction_published_letters_tenant_id_letter_id_interaction_letters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_interaction_published_letters_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interaction_published_letters')),
    sa.UniqueConstraint('tenant_id', 'letter_id', name=op.f('uq_interaction_published_letters_tenant_id_letter_id'))
    )
    with op.batch_alter_table('interaction_published_letters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interaction_published_letters_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_interaction_published_listing', ['tenant_id', 'replied_on'], unique=False)



def downgrade():
    with op.batch_alter_table('interaction_published_letters', schema=None) as batch_op:
        batch_op.drop_index('ix_interaction_published_listing')
        batch_op.drop_index(batch_op.f('ix_interaction_published_letters_tenant_id'))

    op.drop_table('interaction_published_letters')
    with op.batch_alter_table('interaction_letter_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interaction_letter_events_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_interaction_letter_events_letter_id'))

    op.drop_table('interaction_letter_events')
    with op.batch_alter_table('interaction_options', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interaction_options_tenant_id'))

    op.drop_table('interaction_options')
    with op.batch_alter_table('interaction_mailboxes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interaction_mailboxes_tenant_id'))

    op.drop_table('interaction_mailboxes')
    with op.batch_alter_table('interaction_letters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interaction_letters_tenant_id'))
        batch_op.drop_index('ix_interaction_letters_repeat')
        batch_op.drop_index('ix_interaction_letters_queue')

    op.drop_table('interaction_letters')
