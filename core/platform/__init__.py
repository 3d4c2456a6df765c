"""The information bureau's console, on the platform host (admin.<city domain>)."""
from __future__ import annotations


def init_app(app) -> None:
    from core.platform import views

    views.init_app(app)
