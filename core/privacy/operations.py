"""Re-encrypting stored personal information with the newest key. Audited, flushed."""
from __future__ import annotations

from sqlalchemy import column, select, table, update

from core.audit.log import record
from core.extensions import db
from core.operations import audited
from core.privacy.crypto import reencrypt
from tenants.scoping import crosses_tenants


@audited
@crosses_tenants("key rotation rewrites the encrypted values of every site, never reading them out")
def rotate_column(table_name: str, column_name: str) -> int:
    """Re-encrypt every value of one encrypted column (its table keyed by `id`); return how many.

    The values are not decrypted into anything but the new token.
    """
    target = table(table_name, column("id"), column(column_name))
    rows = db.session.execute(select(target.c.id, target.c[column_name])
                              .where(target.c[column_name].is_not(None))).all()
    for row_id, token in rows:
        db.session.execute(update(target).where(target.c.id == row_id).values({column_name: reencrypt(token)}))
    record("privacy.rotate", f"{table_name}.{column_name}", values=len(rows), platform=True)
    db.session.flush()
    return len(rows)
