"""The archive's tests compare a site's upload folder file by file: each starts with the upload folder empty.

The database's ids start again after every test (tests/conftest.py), so a site made here may get the id of a
site of an earlier test, whose folder would otherwise still hold that test's files.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _empty_upload_folder(app):
    folder = Path(app.config["UPLOAD_FOLDER"])
    for child in folder.iterdir() if folder.is_dir() else ():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    yield
