"""Fixtures of the web layer's tests."""
from __future__ import annotations

import pytest


@pytest.fixture
def drawn_every_time(app):
    """Every page drawn (the page cache off, no kept pages), as on a worker's first visit to each."""
    cache = app.extensions["govsites.page_cache"]
    cache.max_entries, entries = 0, cache.max_entries
    cache.clear()
    yield
    cache.max_entries = entries
