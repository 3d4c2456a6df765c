"""The one error of backups, as data: a code and its parameters, worded in the reader's language (labels.py)."""
from __future__ import annotations

import json


class BackupError(Exception):
    """A backup, verify or restore that cannot go on.

    `code` names the reason (a key of `core.backups.labels.FAILURES`), `params` fill in its words. Stored on the
    Backup row as JSON (`as_json`), so the console words it in each reader's language.
    """

    def __init__(self, code: str, **params):
        self.code, self.params = code, {key: str(value) for key, value in params.items()}
        super().__init__(code)

    def __str__(self) -> str:
        """In English words (a traceback, the job run's error text, the shell), or the code and its parameters."""
        try:
            from flask_babel import force_locale

            with force_locale("en"):
                return self.words()
        except Exception:  # noqa: BLE001 (no app to word it with)
            return f"{self.code}: {self.params}"

    def as_json(self) -> str:
        return json.dumps({"code": self.code, "params": self.params}, ensure_ascii=False)

    def words(self) -> str:
        """The reason in the current locale's words."""
        from core.backups.labels import failure_words

        return failure_words(self.as_json())


def unexpected(error: BaseException) -> BackupError:
    """Any other exception, as the "unexpected" reason (an OSError keeps its file and the system's message)."""
    if isinstance(error, BackupError):
        return error
    if isinstance(error, OSError) and error.filename:
        return BackupError("disk", path=error.filename, detail=error.strerror or str(error))
    return BackupError("unexpected", detail=f"{type(error).__name__}: {error}"[:500])
