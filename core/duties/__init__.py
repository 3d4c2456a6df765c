"""Post responsibility (岗位责任制): who answers for each duty of a site."""
from __future__ import annotations


def init_app(app) -> None:
    from core.duties import views

    views.init_app(app)
