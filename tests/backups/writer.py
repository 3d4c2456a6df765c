"""A process that keeps writing while a backup is taken: pairs of audit entries, each pair in one transaction.

    python tests/backups/writer.py URL TENANT_ID STOP_FILE

Writes until STOP_FILE exists, then prints how many pairs it committed. A
consistent copy holds whole pairs only: every "<n>-a" with its "<n>-b".
"""
from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event


def main(url: str, tenant_id: int, stop: Path) -> None:
    engine = create_engine(url)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record):
            connection.execute("PRAGMA busy_timeout=10000")

    metadata = MetaData()
    metadata.reflect(engine, only=["audit_entries", "platform_audit_entries"])
    site, platform = metadata.tables["audit_entries"], metadata.tables["platform_audit_entries"]
    n = 0
    while not stop.exists():
        n += 1
        fields = {"at": datetime.now(), "username": "writer", "action": "test.pair", "detail": "", "ip": "cli"}
        with engine.begin() as connection:  # both rows or neither
            connection.execute(site.insert().values(tenant_id=tenant_id, target=f"{n}-a", **fields))
            connection.execute(platform.insert().values(target=f"{n}-b", **fields))
        if n % 50 == 0:
            time.sleep(0.001)
    print(n, flush=True)
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
