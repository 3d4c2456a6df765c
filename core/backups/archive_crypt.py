"""The passphrase that protects a site archive's personal data: the key made from it, and what it seals.

A site's archive leaves the deployment (a download from the console, a file
on a disk, another city's server), while the keys that encrypt personal data
at rest (PERSONAL_DATA_KEYS) stay behind, so that the archive imports wherever
the keys differ. Without more, the archive would carry the citizens' names, ID
numbers, phones, letters and materials in clear. The export therefore seals
them with a key made from a passphrase that the person exporting gives, and
the import asks for it before it writes anything, then encrypts them again with
its own deployment's keys. Nothing here is made by hand: the `cryptography`
package does the work.

- **The key**: scrypt (`Scrypt`: N = 2 ** SITE_ARCHIVE_KDF_COST, r 8, p 1, a
  random 16-byte salt), 32 bytes. The parameters and the salt are in the
  manifest, so that the import makes the same key from the same passphrase
  (it takes only the costs it knows how to bear: `KDF_COSTS`).
- **Sealing**: AES-256-GCM (`AESGCM`), a random 96-bit nonce for each value
  and each file, the place it belongs (the part and its column, the file's
  path) as associated data, so that a value moved to another column or file
  does not open. A value is its JSON text sealed and written as base64 text;
  an empty value (None) stays empty.
- **The check**: a known text sealed with the key, in the manifest: a wrong
  passphrase is told before any row or file is read, and nothing is written.

The passphrase is read as typed, in Unicode's composed form (NFC), so that
the same characters typed on another system make the same key.
"""
from __future__ import annotations

import json
import os
import unicodedata
from base64 import b64decode, b64encode

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from flask_babel import lazy_gettext as _l

#: The shortest passphrase an export takes, in characters (a few words are easier to keep than symbols).
MIN_PASSPHRASE = 12
#: The scrypt costs (log2 of N) an archive may name: below, no protection worth the name; above, more memory than
#: an import should be made to spend (2 ** 18 × 1 KiB = 256 MiB).
KDF_COSTS = range(10, 19)
KDF_R, KDF_P = 8, 1
CIPHER = "AES-256-GCM"
#: What the manifest's check seals, and the place it is sealed for.
_CHECK_TEXT, _CHECK_PLACE = b"govsites site archive", "passphrase check"
_NONCE = 12


class WrongPassphrase(ValueError):
    """The passphrase does not open the archive (a typing mistake, or another archive's)."""


class Unsealed(ValueError):
    """A sealed value or file does not open with the archive's key: it was changed, or moved from its place."""


def passphrase_problem(passphrase: str | None):
    """What is wrong with a passphrase for a new archive (a message), or None."""
    if not passphrase:
        return _l("Give the passphrase that protects the personal data in the archive.")
    if len(_normalised(passphrase)) < MIN_PASSPHRASE:
        return _l("The passphrase must be at least %(n)s characters long: a few words are easier to remember "
                  "than symbols.", n=MIN_PASSPHRASE)
    return None


def _normalised(passphrase: str) -> str:
    return unicodedata.normalize("NFC", passphrase)


def _derive(passphrase: str, salt: bytes, cost: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=2 ** cost, r=KDF_R, p=KDF_P).derive(_normalised(passphrase).encode("utf-8"))


class ArchiveKey:
    """The key of one archive: seals values and files for their place, and opens them again."""

    def __init__(self, key: bytes):
        self._aead = AESGCM(key)

    @classmethod
    def new(cls, passphrase: str, cost: int) -> tuple[ArchiveKey, dict]:
        """A key made from the passphrase with a new salt, and what the manifest says of it ("protection")."""
        if cost not in KDF_COSTS:
            raise ValueError(f"SITE_ARCHIVE_KDF_COST must be from {KDF_COSTS.start} to {KDF_COSTS.stop - 1}")
        salt = os.urandom(16)
        key = cls(_derive(passphrase, salt, cost))
        return key, {"kdf": {"name": "scrypt", "salt": _text(salt), "cost": cost, "r": KDF_R, "p": KDF_P},
                     "cipher": CIPHER, "check": _text(key.seal_bytes(_CHECK_TEXT, _CHECK_PLACE))}

    @classmethod
    def open(cls, passphrase: str, protection: dict) -> ArchiveKey:
        """The key of an archive whose manifest says `protection` (its shape checked: `protection_problem`).

        :raises WrongPassphrase: the passphrase does not open the manifest's check.
        """
        kdf = protection["kdf"]
        key = cls(_derive(passphrase or "", b64decode(kdf["salt"]), kdf["cost"]))
        try:
            if key.open_bytes(b64decode(protection["check"]), _CHECK_PLACE) == _CHECK_TEXT:
                return key
        except Unsealed:
            pass
        raise WrongPassphrase()

    def seal_bytes(self, data: bytes, place: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, data, place.encode("utf-8"))

    def open_bytes(self, sealed: bytes, place: str) -> bytes:
        """:raises Unsealed: the bytes are not what this key sealed for this place."""
        try:
            return self._aead.decrypt(sealed[:_NONCE], sealed[_NONCE:], place.encode("utf-8"))
        except (InvalidTag, ValueError):
            raise Unsealed(place) from None

    def seal_value(self, value, place: str):
        """A JSON value sealed as base64 text (None stays None)."""
        if value is None:
            return None
        return _text(self.seal_bytes(json.dumps(value, ensure_ascii=False).encode("utf-8"), place))

    def open_value(self, sealed, place: str):
        """:raises Unsealed: the value is not base64 text this key sealed for this place."""
        if sealed is None:
            return None
        if not isinstance(sealed, str):
            raise Unsealed(place)
        try:
            return json.loads(self.open_bytes(b64decode(sealed, validate=True), place))
        except ValueError:  # binascii.Error and JSONDecodeError are ValueErrors
            raise Unsealed(place) from None


def value_place(member: str, column: str) -> str:
    """Where a sealed value belongs: its part and its column."""
    return f"{member}#{column}"


def _text(data: bytes) -> str:
    return b64encode(data).decode("ascii")


def protection_problem(protection) -> str | None:
    """What in a manifest's "protection" is not of the shape an export writes (a short phrase, for the log)."""
    if not isinstance(protection, dict) or protection.get("cipher") != CIPHER:
        return "protection"
    kdf = protection.get("kdf")
    if not isinstance(kdf, dict) or kdf.get("name") != "scrypt" or (kdf.get("r"), kdf.get("p")) != (KDF_R, KDF_P):
        return "protection kdf"
    if type(kdf.get("cost")) is not int or kdf["cost"] not in KDF_COSTS:
        return "protection cost"
    for value, least in ((kdf.get("salt"), 16), (protection.get("check"), _NONCE + 16)):
        try:
            if not isinstance(value, str) or len(b64decode(value, validate=True)) < least:
                return "protection salt or check"
        except ValueError:
            return "protection salt or check"
    return None
