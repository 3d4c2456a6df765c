"""Unbound extensions; `create_app` binds them. Nothing here imports the app."""
from __future__ import annotations

import logging

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints from the first migration on, so later ones can drop them
# by name on both SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
#: Limits are declared per route (login, public forms); none applies by default.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def show_limiter_warnings() -> None:
    """Let Flask-Limiter's warnings reach stderr (gunicorn's error log): "Rate limit storage unreachable - falling
    back to in-memory storage" when Redis goes away. The library gives its logger a NullHandler, which keeps
    Python's last-resort handler from printing them, so without this they went nowhere."""
    logger = logging.getLogger("flask-limiter")
    if not any(isinstance(h, logging.StreamHandler) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setLevel(logging.WARNING)
        handler.setFormatter(logging.Formatter("%(asctime)s [flask-limiter] %(levelname)s %(message)s"))
        logger.addHandler(handler)
