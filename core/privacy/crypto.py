"""Personal information encrypted at rest, and found again by a keyed hash.

Encryption is Fernet (AES-128-CBC with HMAC-SHA256, the `cryptography`
package) with the keys of PERSONAL_DATA_KEYS, newest first: values are written
with the first and read with any, so a new key can be put in front and the
stored values re-encrypted (`flask privacy rotate`) without downtime. The keys
live outside the database (instance/personal_data_keys or the environment), so
a copied database or backup reveals nothing.

A value that must be looked up (the phone of a tracking query) is also
stored as HMAC-SHA256 under PERSONAL_DATA_INDEX_KEY: equal values match,
and nobody without the key can test a guess against it.
"""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class PersonalDataKeyError(RuntimeError):
    """No usable key: the platform refuses to store personal information in the clear."""


def _instance_file(instance: Path, name: str, make) -> str:
    """A key generated once per instance (like the secret key): written aside, linked into place."""
    path = instance / name
    if not path.exists():
        tmp = instance / f".{name}.{os.getpid()}"
        tmp.write_text(make() + "\n")
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text()


def _fernet() -> MultiFernet:
    keys = current_app.config["PERSONAL_DATA_KEYS"]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except (ValueError, TypeError) as error:
        raise PersonalDataKeyError("PERSONAL_DATA_KEYS holds no valid Fernet key") from error


def encrypt(value: str) -> str:
    """The value encrypted with the newest key, as text to store."""
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The stored value decrypted with whichever key wrote it.

    :raises PersonalDataKeyError: when no configured key opens it (a key was removed too early).
    """
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise PersonalDataKeyError("no configured personal-data key opens this value") from error


def reencrypt(token: str) -> str:
    """The stored value encrypted again with the newest key (for rotation)."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def lookup_hash(value: str, purpose: str) -> str:
    """HMAC-SHA256 (hex, 64 characters) of a normalised value, for finding rows by it without storing it.

    `purpose` separates uses (e.g. "application.phone"), so equal values in
    two tables do not share a hash.
    """
    key = current_app.config["PERSONAL_DATA_INDEX_KEY"].encode("utf-8")
    return hmac.new(key, f"{purpose}\x1f{value}".encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedText(TypeDecorator):
    """A column whose values are stored encrypted (Text, Fernet tokens) and read back as plain strings."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(str(value))

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def encrypted_columns(metadata) -> list[tuple[str, str]]:
    """(table, column) of every encrypted column the models declare: what rotation has to rewrite."""
    return [(table.name, column.name) for table in metadata.sorted_tables for column in table.columns
            if isinstance(column.type, EncryptedText)]


#: A column that is personal information without being encrypted at rest (a letter's text, the name of a file an
#: applicant sent, the lookup hash of a phone) says so where it is declared, with why:
#: ``mapped_column(..., info={"personal": "the writer's own words"})``. A site's archive (core.backups) carries
#: these, and every EncryptedText column, only under the passphrase given at its export.
PERSONAL = "personal"
#: Subfolders of a site's upload folder whose files the public sent (an applicant's materials, a letter's
#: attachment, an application for disclosure's files): personal information as a whole. Each module names its own
#: with `personal_folder`, where it says where it keeps them.
PERSONAL_FOLDERS: set[str] = set()


def personal_folder(name: str) -> str:
    """Declare `name` (a subfolder of every site's upload folder) as holding files the public sent; return it."""
    PERSONAL_FOLDERS.add(name)
    return name


def is_personal(column) -> bool:
    """Whether a column holds personal information: encrypted at rest, or declared with ``info={"personal": why}``."""
    return isinstance(column.type, EncryptedText) or bool(column.info.get(PERSONAL))


def init_app(app) -> None:
    instance = Path(app.instance_path)
    if not app.config.get("PERSONAL_DATA_KEYS"):
        text = _instance_file(instance, "personal_data_keys", lambda: Fernet.generate_key().decode("ascii"))
        app.config["PERSONAL_DATA_KEYS"] = tuple(line.strip() for line in text.splitlines() if line.strip())
    elif isinstance(app.config["PERSONAL_DATA_KEYS"], str):
        app.config["PERSONAL_DATA_KEYS"] = tuple(k.strip() for k in app.config["PERSONAL_DATA_KEYS"].split(",")
                                                 if k.strip())
    if not app.config.get("PERSONAL_DATA_INDEX_KEY"):
        app.config["PERSONAL_DATA_INDEX_KEY"] = _instance_file(
            instance, "personal_data_index_key", lambda: Fernet.generate_key().decode("ascii")).strip()
