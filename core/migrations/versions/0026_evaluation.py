"""evaluation: the bureau's thresholds and weights, immutable monthly snapshots; sections' update class and
empty-section note; an item's reason for being dated earlier than it was written

Revision ID: 0026
Revises: 0025

"""
from alembic import op
import sqlalchemy as sa

from core.evaluation.triggers import IMMUTABLE, create_sql, drop_sql

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

#: The update class of each section of the guideline's default set (core.sections.defaults); any other: as needed.
DEFAULT_CLASSES = {"about": "never", "policies": "notices", "news": "news", "notices": "notices"}


def upgrade():
    op.create_table(
        'evaluation_settings',
        sa.Column('key', sa.String(length=40), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_evaluation_settings')),
    )
    op.create_table(
        'evaluation_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.DateTime(), nullable=False),
        sa.Column('taken_at', sa.DateTime(), nullable=False),
        sa.Column('trigger', sa.String(length=16), nullable=False),
        sa.Column('score', sa.Float(), nullable=False),
        sa.Column('grade', sa.String(length=12), nullable=False),
        sa.Column('vetoes', sa.Integer(), nullable=False),
        sa.Column('warnings', sa.Integer(), nullable=False),
        sa.Column('results', sa.Text(), nullable=False),
        sa.Column('tenant_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_evaluation_snapshots_tenant_id_tenants'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_snapshots')),
    )
    with op.batch_alter_table('evaluation_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_snapshots_history', ['tenant_id', 'as_of'], unique=False)
        batch_op.create_index(batch_op.f('ix_evaluation_snapshots_tenant_id'), ['tenant_id'], unique=False)
    with op.batch_alter_table('mandatory_sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('update_class', sa.String(length=16), nullable=False,
                                      server_default='as_needed'))
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('update_class', sa.String(length=16), nullable=False,
                                      server_default='as_needed'))
        batch_op.add_column(sa.Column('empty_note', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('backdate_reason', sa.String(length=300), nullable=False, server_default=''))
    for key, update_class in DEFAULT_CLASSES.items():
        op.execute(sa.text("UPDATE mandatory_sections SET update_class = :c WHERE key = :k")
                   .bindparams(c=update_class, k=key))
    # Every site's copy of a set section takes the set's class (the sync keeps them in step from now on); a page
    # that is only text (a single page, an external link) holds nothing dated to be updated.
    op.execute("UPDATE sections SET update_class = (SELECT m.update_class FROM mandatory_sections m "
               "WHERE m.key = sections.mandatory_key) WHERE mandatory_key IS NOT NULL")
    op.execute("UPDATE sections SET update_class = 'never' WHERE mandatory_key IS NULL "
               "AND kind IN ('single_page', 'external_link')")
    dialect = op.get_bind().dialect.name
    for table in IMMUTABLE:
        for statement in create_sql(table, dialect):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for table in IMMUTABLE:
        for statement in drop_sql(table, dialect):
            op.execute(statement)
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('backdate_reason')
    with op.batch_alter_table('sections', schema=None) as batch_op:
        batch_op.drop_column('empty_note')
        batch_op.drop_column('update_class')
    with op.batch_alter_table('mandatory_sections', schema=None) as batch_op:
        batch_op.drop_column('update_class')
    with op.batch_alter_table('evaluation_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evaluation_snapshots_tenant_id'))
        batch_op.drop_index('ix_evaluation_snapshots_history')
    op.drop_table('evaluation_snapshots')
    op.drop_table('evaluation_settings')
