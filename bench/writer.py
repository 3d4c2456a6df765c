"""A background writer for bench/run.py: publish one news item a second on a random open site, as editors do.

Run by bench/run.py as a process of its own, with the city's environment (GOVSITES_DATABASE_URL ...):

    python bench/writer.py --seconds 15 [--rate 1] [--seed 1] [--wait]

Each item goes through the app's own operations, as a click in the admin would: `create_article` writes it as
approved in the site's news section, and `apply_transition(..., "publish")` publishes it as the site's publisher
(`<slug>.publisher`, a demo account). So every publish bumps its site's content version in its transaction,
and the readers' workers drop that site's cached pages, exactly as in life.

The items are paced on a fixed schedule (item n at start + n / rate), not "sleep a second after each": a slow
commit does not lower the rate unless it takes longer than the interval. Prints one line per item
(`PUBLISHED <seconds> <host> <article id> <title>`) and, at the end, `WRITER published=<n> seconds=<s> failed=<n>`;
exits 1 when any publish failed.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, required=True, help="how long to publish")
    parser.add_argument("--rate", type=float, default=1.0, help="items a second")
    parser.add_argument("--seed", type=int, default=1, help="seed of the choice of sites")
    parser.add_argument("--wait", action="store_true",
                        help="print `WRITER ready` once set up, then start when a line comes on stdin")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    from core import create_app

    app = create_app()
    sites = open_sites(app)
    if not sites:
        print("WRITER no open site with a news section and a publisher", flush=True)
        return 1
    if args.wait:  # the app's start-up (seconds) is not part of the measured run
        print("WRITER ready", flush=True)
        sys.stdin.readline()
    rng = random.Random(args.seed)
    published = failed = 0
    started = time.monotonic()
    n = 0
    while True:
        due = started + n / args.rate
        if due - started >= args.seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        tenant_id, slug, host = rng.choice(sites)
        title = f"基准测试发布 {n + 1} {rng.randrange(10 ** 9)}"
        try:
            article_id = publish(app, tenant_id, slug, title)
        except Exception as error:  # noqa: BLE001 - counted and reported: the bench then refuses its figure
            failed += 1
            print(f"FAILED {time.monotonic() - started:.2f} {host} {type(error).__name__}: {error}", flush=True)
        else:
            published += 1
            print(f"PUBLISHED {time.monotonic() - started:.2f} {host} {article_id} {title}", flush=True)
        n += 1
    print(f"WRITER published={published} seconds={time.monotonic() - started:.2f} failed={failed}", flush=True)
    return 1 if failed else 0


def open_sites(app) -> list[tuple[int, str, str]]:
    """(tenant id, slug, primary hostname) of every active site: the sites whose news a citizen reads."""
    from sqlalchemy import select

    from core.extensions import db
    from tenants.models import Tenant, TenantDomain

    with app.app_context():
        rows = db.session.execute(
            select(Tenant.id, Tenant.slug, TenantDomain.hostname)
            .join(TenantDomain, (TenantDomain.tenant_id == Tenant.id) & TenantDomain.is_primary)
            .where(Tenant.status == "active").order_by(Tenant.id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def publish(app, tenant_id: int, slug: str, title: str) -> int:
    """Write an approved news item on the site and publish it as its publisher; return its id (committed)."""
    from sqlalchemy import select

    from core.auth.models import User
    from core.content.operations import create_article
    from core.extensions import db
    from core.publishing.operations import apply_transition
    from core.sections.models import Section
    from tenants.scoping import activate_tenant, crosses_tenants

    @crosses_tenants("the benchmark's writer publishes on the site it drew, as that site's publisher")
    def on_site() -> int:
        with app.app_context():
            try:
                with activate_tenant(tenant_id):
                    section = db.session.execute(
                        select(Section).where(Section.mandatory_key == "news")).scalar_one()
                    publisher = db.session.execute(
                        select(User).where(User.username == f"{slug}.publisher")).scalar_one()
                    article = create_article(section=section, title=title, status="approved",
                                             body_html="<p>基准测试：后台发布。</p>")
                    apply_transition(article, "publish", actor=publisher)
                    db.session.commit()
                    return article.id
            finally:
                db.session.remove()

    return on_site()


if __name__ == "__main__":
    sys.exit(main())
