"""a filed item keeps the year of its index number (its first publication), which the catalogue's year filter reads;
an application asked to clarify has the day the clarification is due by (Art. 30)

Revision ID: 0020
Revises: 0019

"""
import re

from alembic import op
import sqlalchemy as sa


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

YEAR = re.compile(r"/(\d{4})-\d+$")


def upgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('index_year', sa.Integer(), nullable=True))
    with op.batch_alter_table('disclosure_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clarify_due_on', sa.Date(), nullable=True))
    bind = op.get_bind()
    articles = sa.table('articles', sa.column('id', sa.Integer), sa.column('index_number', sa.String),
                        sa.column('index_year', sa.Integer))
    for row in bind.execute(sa.select(articles.c.id, articles.c.index_number)
                            .where(articles.c.index_number.is_not(None))).all():
        found = YEAR.search(row.index_number)
        if found:
            bind.execute(articles.update().where(articles.c.id == row.id).values(index_year=int(found.group(1))))


def downgrade():
    with op.batch_alter_table('disclosure_applications', schema=None) as batch_op:
        batch_op.drop_column('clarify_due_on')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('index_year')
