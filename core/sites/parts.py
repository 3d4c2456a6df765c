"""What modules listed after this one add to the console's page of a site (this module cannot import them).

A module calls `add_site_part(app, template, order=…)` from its `init_app`; the
page includes each template, in order, after its own sections, with `tenant`
(the site) and `action_form` (a form that carries the CSRF token) in hand.
"""
from __future__ import annotations

from flask import Flask, current_app

_KEY = "govsites.site_parts"


def add_site_part(app: Flask, template: str, *, order: int) -> None:
    parts = app.extensions.setdefault(_KEY, [])
    parts[:] = sorted([p for p in parts if p[1] != template] + [(order, template)])


def site_parts() -> list[str]:
    return [template for _order, template in current_app.extensions.get(_KEY, [])]
