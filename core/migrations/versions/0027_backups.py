"""full backups: the record of each backup (size, verify result, copy), and the console's requests for one

Revision ID: 0027
Revises: 0026

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('backups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('database_bytes', sa.BigInteger(), nullable=False),
    sa.Column('uploads_bytes', sa.BigInteger(), nullable=False),
    sa.Column('upload_files', sa.Integer(), nullable=False),
    sa.Column('tables', sa.Integer(), nullable=False),
    sa.Column('rows', sa.BigInteger(), nullable=False),
    sa.Column('failure', sa.Text(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('verify_result', sa.String(length=16), nullable=False),
    sa.Column('verify_problems', sa.Text(), nullable=False),
    sa.Column('copy_state', sa.String(length=16), nullable=False),
    sa.Column('copy_path', sa.String(length=500), nullable=False),
    sa.Column('copy_failure', sa.Text(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backups')),
    sa.UniqueConstraint('name', name=op.f('uq_backups_name'))
    )
    with op.batch_alter_table('backups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backups_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_backups_status'), ['status'], unique=False)

    op.create_table('backup_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_backup_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backup_requests'))
    )
    with op.batch_alter_table('backup_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backup_requests_started_at'), ['started_at'], unique=False)



def downgrade():
    with op.batch_alter_table('backup_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backup_requests_started_at'))

    op.drop_table('backup_requests')
    with op.batch_alter_table('backups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backups_status'))
        batch_op.drop_index(batch_op.f('ix_backups_started_at'))

    op.drop_table('backups')
