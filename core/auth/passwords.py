"""Password hashing (Argon2) and the platform's password policy."""
from __future__ import annotations

import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
_hashers: dict[tuple[int, int, int], PasswordHasher] = {}


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (the library's defaults unless lowered for tests)."""
    from flask import current_app, has_app_context

    config = current_app.config if has_app_context() else {}
    cost = (config.get("ARGON2_TIME_COST", 3), config.get("ARGON2_MEMORY_KIB", 65536),
            config.get("ARGON2_PARALLELISM", 4))
    if cost not in _hashers:
        _hashers[cost] = PasswordHasher(time_cost=cost[0], memory_cost=cost[1], parallelism=cost[2])
    return _hashers[cost]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify(password: str) -> None:
    """Spend the time a real check takes, when there is no real hash to check against."""
    cost = _hasher()
    if cost not in _dummy_hashes:
        _dummy_hashes[cost] = cost.hash(secrets.token_hex(16))
    verify_password(_dummy_hashes[cost], password)


_dummy_hashes: dict[PasswordHasher, str] = {}


def policy_problems(password: str, username: str = "") -> list[str]:
    """Why a new password is not acceptable (an empty list when it is)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(str(_l("Use at least %(n)s characters.", n=MIN_LENGTH)))
    classes = sum((
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    ))
    if classes < 3:
        problems.append(str(_l("Use three of: lower-case letters, upper-case letters, digits and symbols.")))
    if username and username.lower() in password.lower():
        problems.append(str(_l("The password must not contain the username.")))
    return problems


def generate_password(length: int = 14) -> str:
    """A random password that meets the policy, for new accounts and resets."""
    alphabet = string.ascii_letters + string.digits + "!@#%&*-_=+?"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        if not policy_problems(candidate):
            return candidate
