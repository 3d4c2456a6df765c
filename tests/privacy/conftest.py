"""The privacy tests' fixtures: an item open for online applications and its service officer (the key rotation
test files a citizen's application and reads it back)."""
from __future__ import annotations

from tests.services.application_helpers import officer_of, online_item  # noqa: F401
