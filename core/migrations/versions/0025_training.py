"""training material the bureau distributes, the sites it is for, its files, acknowledgements, good-practice examples

Revision ID: 0025
Revises: 0024

"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_materials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('all_roles', sa.Boolean(), nullable=False),
    sa.Column('roles', sa.String(length=300), nullable=False),
    sa.Column('site_scope', sa.String(length=10), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name=op.f('fk_training_materials_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['site_groups.id'],
                            name=op.f('fk_training_materials_group_id_site_groups'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_materials'))
    )
    with op.batch_alter_table('training_materials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_materials_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_materials_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_materials_status'), ['status'], unique=False)

    op.create_table('training_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['training_materials.id'],
                            name=op.f('fk_training_acknowledgements_material_id_training_materials'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_training_acknowledgements_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_acknowledgements')),
    sa.UniqueConstraint('material_id', 'user_id', name='uq_training_acknowledgements_material_user')
    )
    with op.batch_alter_table('training_acknowledgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_acknowledgements_material_id'), ['material_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_acknowledgements_user_id'), ['user_id'], unique=False)

    op.create_table('training_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=150), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['training_materials.id'],
                            name=op.f('fk_training_files_material_id_training_materials'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_files'))
    )
    with op.batch_alter_table('training_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_files_material_id'), ['material_id'], unique=False)

    op.create_table('training_good_practices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                            name=op.f('fk_training_good_practices_created_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['tenants.id'],
                            name=op.f('fk_training_good_practices_site_id_tenants'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_good_practices'))
    )
    with op.batch_alter_table('training_good_practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_good_practices_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_good_practices_site_id'), ['site_id'], unique=False)

    op.create_table('training_sites',
    sa.Column('material_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['material_id'], ['training_materials.id'],
                            name=op.f('fk_training_sites_material_id_training_materials'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['tenants.id'],
                            name=op.f('fk_training_sites_site_id_tenants'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('material_id', 'site_id', name=op.f('pk_training_sites'))
    )
    with op.batch_alter_table('training_sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_sites_site_id'), ['site_id'], unique=False)



def downgrade():
    with op.batch_alter_table('training_sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_sites_site_id'))

    op.drop_table('training_sites')
    with op.batch_alter_table('training_good_practices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_good_practices_site_id'))
        batch_op.drop_index(batch_op.f('ix_training_good_practices_created_by_id'))

    op.drop_table('training_good_practices')
    with op.batch_alter_table('training_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_files_material_id'))

    op.drop_table('training_files')
    with op.batch_alter_table('training_acknowledgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_acknowledgements_user_id'))
        batch_op.drop_index(batch_op.f('ix_training_acknowledgements_material_id'))

    op.drop_table('training_acknowledgements')
    with op.batch_alter_table('training_materials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_materials_status'))
        batch_op.drop_index(batch_op.f('ix_training_materials_group_id'))
        batch_op.drop_index(batch_op.f('ix_training_materials_created_by_id'))

    op.drop_table('training_materials')
