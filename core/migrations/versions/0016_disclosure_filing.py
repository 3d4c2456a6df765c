"""disclosure filing: items filed under a category and a subject, index numbers, policy interpretations,
the organisation code of each site, the disclosure column's kind and its parts (guide, rules, annual reports)

Revision ID: 0016
Revises: 0015

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('disclosure_subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=150), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_subjects'))
    )
    op.create_table('disclosure_index_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_serial', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_disclosure_index_counters_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_index_counters')),
    sa.UniqueConstraint('tenant_id', 'year', name=op.f('uq_disclosure_index_counters_tenant_id_year'))
    )
    with op.batch_alter_table('disclosure_index_counters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_index_counters_tenant_id'), ['tenant_id'], unique=False)

    op.create_table('policy_interpretations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('interpretation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'interpretation_id'], ['articles.tenant_id', 'articles.id'], name=op.f('fk_policy_interpretations_tenant_id_interpretation_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id', 'policy_id'], ['articles.tenant_id', 'articles.id'], name=op.f('fk_policy_interpretations_tenant_id_policy_id_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_policy_interpretations_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_interpretations')),
    sa.UniqueConstraint('tenant_id', 'policy_id', 'interpretation_id', name=op.f('uq_policy_interpretations_tenant_id_policy_id_interpretation_id'))
    )
    with op.batch_alter_table('policy_interpretations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_interpretations_interpretation_id'), ['interpretation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_interpretations_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_policy_interpretations_tenant_id'), ['tenant_id'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disclosure_category_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('index_number', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_articles_filing', ['tenant_id', 'disclosure_category_id', 'status'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_articles_tenant_id_index_number'), ['tenant_id', 'index_number'])
        batch_op.create_foreign_key(batch_op.f('fk_articles_subject_id_disclosure_subjects'), 'disclosure_subjects', ['subject_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_articles_disclosure_category_id_disclosure_categories'), 'disclosure_categories', ['disclosure_category_id'], ['id'])

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_code', sa.String(length=18), nullable=False, server_default=''))
    _column_kind('disclosure')
    _column_parts()



#: The parts of every site's disclosure column below it (core.disclosure.column.PARTS): slug, names, kind.
PARTS = (
    ('disclosure-guide', '政府信息公开指南', 'Guide to government information disclosure', 'single_page'),
    ('disclosure-rules', '政府信息公开制度', 'Rules on government information disclosure', 'single_page'),
    ('disclosure-reports', '政府信息公开年度报告', 'Annual reports on government information disclosure',
     'article_list'),
)


def _column_kind(kind):
    """The platform's disclosure section, and every site's copy of it, become a section of kind `kind`."""
    op.execute(sa.text("UPDATE mandatory_sections SET kind = :kind WHERE key = 'disclosure'").bindparams(kind=kind))
    op.execute(sa.text("UPDATE sections SET kind = :kind WHERE mandatory_key = 'disclosure'").bindparams(kind=kind))


def _column_parts():
    """Give every site's disclosure column its guide, rules and annual reports, where the address is free."""
    bind = op.get_bind()
    columns = bind.execute(sa.text("SELECT tenant_id, id FROM sections WHERE mandatory_key = 'disclosure'")).all()
    for tenant_id, section_id in columns:
        for position, (slug, name_zh, name_en, kind) in enumerate(PARTS):
            taken = bind.execute(sa.text("SELECT 1 FROM sections WHERE tenant_id = :t AND slug = :s"),
                                 {"t": tenant_id, "s": slug}).first()
            if taken:
                continue
            bind.execute(sa.text(
                "INSERT INTO sections (tenant_id, parent_id, slug, name_zh, name_en, kind, position, in_nav, "
                "page_html, external_url) VALUES (:t, :p, :s, :zh, :en, :k, :pos, :nav, '', '')"),
                {"t": tenant_id, "p": section_id, "s": slug, "zh": name_zh, "en": name_en, "k": kind,
                 "pos": 1000 + position, "nav": True})


def downgrade():
    _column_kind('article_list')
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('organisation_code')

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_articles_disclosure_category_id_disclosure_categories'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_articles_subject_id_disclosure_subjects'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_articles_tenant_id_index_number'), type_='unique')
        batch_op.drop_index('ix_articles_filing')
        batch_op.drop_column('index_number')
        batch_op.drop_column('subject_id')
        batch_op.drop_column('disclosure_category_id')

    with op.batch_alter_table('policy_interpretations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_interpretations_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_policy_interpretations_policy_id'))
        batch_op.drop_index(batch_op.f('ix_policy_interpretations_interpretation_id'))

    op.drop_table('policy_interpretations')
    with op.batch_alter_table('disclosure_index_counters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_index_counters_tenant_id'))

    op.drop_table('disclosure_index_counters')
    op.drop_table('disclosure_subjects')
