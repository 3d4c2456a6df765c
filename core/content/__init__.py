"""Articles and attachments: the content of every site."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from core.content import cli
    from core.content.labels import policy_level_label, policy_status_label

    app.jinja_env.globals.update(policy_level_label=policy_level_label, policy_status_label=policy_status_label)
    cli.init_app(app)
