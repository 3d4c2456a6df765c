"""The shell of the information bureau's console (admin.<city domain>): its home is the first menu entry.

Every console page belongs to a module (sites, sections, disclosure, accounts,
content's city-wide notice, audit, jobs), which adds its menu entry; the
console's layout is the admin layout (`themes/default/templates/admin/base.html`).
"""
from __future__ import annotations


def init_app(app) -> None:
    from flask import redirect, url_for

    from core.web.menus import home_endpoint, set_front_page, set_home

    set_home(app, "platform", "sites.platform_index")
    set_front_page(app, "platform", lambda: redirect(url_for(home_endpoint("platform"))))
