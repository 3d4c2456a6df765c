"""publishing workflow: states, schedules, revisions, separation of duties

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # On SQLite the batch copies the table; env.py turns foreign keys off for it.
    with op.batch_alter_table('articles') as batch_op:
        batch_op.add_column(sa.Column('publish_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('needs_post_review', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('force_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('share_to_portal', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.create_foreign_key(batch_op.f('fk_articles_created_by_id_users'), 'users', ['created_by_id'], ['id'],
                                    ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_articles_created_by_id'), ['created_by_id'])
    op.execute("UPDATE articles SET status = 'collecting' WHERE status = 'draft'")
    op.add_column('tenants', sa.Column('review_own_forbidden', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.create_table(
        'article_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('article_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('saved_by_id', sa.Integer(), nullable=True),
        sa.Column('saved_by_name', sa.String(length=100), nullable=False),
        sa.Column('saved_at', sa.DateTime(), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['saved_by_id'], ['users.id'], name=op.f('fk_article_revisions_saved_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['tenant_id', 'article_id'], ['articles.tenant_id', 'articles.id'],
                                name=op.f('fk_article_revisions_tenant_id_article_id_articles'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_article_revisions_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_article_revisions')),
        sa.UniqueConstraint('tenant_id', 'article_id', 'number', name=op.f('uq_article_revisions_tenant_id_article_id_number')),
    )
    op.create_index(op.f('ix_article_revisions_article_id'), 'article_revisions', ['article_id'])
    op.create_index(op.f('ix_article_revisions_tenant_id'), 'article_revisions', ['tenant_id'])


def downgrade():
    op.drop_index(op.f('ix_article_revisions_tenant_id'), table_name='article_revisions')
    op.drop_index(op.f('ix_article_revisions_article_id'), table_name='article_revisions')
    op.drop_table('article_revisions')
    with op.batch_alter_table('tenants') as batch_op:
        batch_op.drop_column('review_own_forbidden')
    with op.batch_alter_table('articles') as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_created_by_id'))
        batch_op.drop_constraint(batch_op.f('fk_articles_created_by_id_users'), type_='foreignkey')
        for column in ('version', 'share_to_portal', 'force_reason', 'needs_post_review', 'created_by_id',
                       'withdrawn_at', 'expires_at', 'publish_at'):
            batch_op.drop_column(column)
