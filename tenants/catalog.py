"""The demo city's catalog of sites, kept as data (`tenants/catalog/*.toml`)."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
DEFAULT_CATALOG = CATALOG_DIR / "langfang.toml"


@lru_cache(maxsize=4)
def load_catalog(path: str | Path = DEFAULT_CATALOG) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def city() -> dict:
    """The city's own names and legal footer, for the portal."""
    return load_catalog()["city"]
