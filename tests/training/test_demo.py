"""The demo city's training material: published with real files, distributed, partly read; loading again adds
nothing."""
from __future__ import annotations

import random
import zlib
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from core.demo.training import fill_training, training_pdf
from core.extensions import db
from core.inbox.models import InboxMessage
from core.training.files import content_is, stored_path
from core.training.models import GoodPractice, TrainingAcknowledgement, TrainingFile, TrainingMaterial


def test_the_generated_pdf_is_a_pdf_with_the_text_in_its_chinese_font():
    data = training_pdf(("网络安全培训", "", "口令不少于 12 位。"))
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF") and content_is("pdf", data)
    stream = data.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    text = zlib.decompress(stream).decode("ascii")
    assert "网络安全培训".encode("utf-16-be").hex() in text and "/F1 18 Tf" in text
    assert b"/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H" in data
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref:xref + 4] == b"xref"  # the cross-reference table is where the trailer says


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_has_materials_examples_deliveries_and_readers(app, two_sites, create_account, create_article_in):
    rsj, czj, _ = two_sites
    create_account("platform.admin", platform_role="platform_admin", totp=True)
    for site in (rsj, czj):
        for role in ("site_admin", "collector", "editor", "reviewer", "publisher"):
            create_account(f"{site.slug}.{role.replace('_', '')}", site=site, roles=[role])
    with app.app_context():
        totals = fill_training(today=date(2026, 12, 1), now=datetime(2026, 12, 1, 8, 0), rng=random.Random(1))
        db.session.commit()
        materials = list(db.session.execute(select(TrainingMaterial).order_by(TrainingMaterial.id)).scalars())
        assert [m.status for m in materials] == ["published", "published", "published", "draft"]
        assert all(stored_path(f.stored_name) is not None for m in materials for f in m.files)
        assert {f.filename.rsplit(".", 1)[1] for m in materials for f in m.files} == {"pdf", "txt", "docx"}
        examples = list(db.session.execute(select(GoodPractice).order_by(GoodPractice.id)).scalars())
        assert [(e.site.slug, bool(e.article_id)) for e in examples] == [("rsj", True), ("czj", False)]
        delivered = db.session.scalar(select(func.count()).select_from(InboxMessage)
                                      .where(InboxMessage.kind == "training"))
    assert totals["training_materials"] == 4 and totals["training_examples"] == 2
    # Every role of both sites gets the reading of the checklist; the two site administrators the security course;
    # the publishing roles of the group "general" (both sites) the rules of publishing.
    assert delivered == totals["training_delivered"] == 10 + 2 + 8
    assert 0 < totals["training_acknowledgements"] == _count(app, TrainingAcknowledgement) < delivered
    with app.app_context():  # as people did it: delivered once published, opened before confirming
        published = {f"training:{m.id}": (m.id, m.published_at) for m in materials}
        done = {(a.material_id, a.user_id): a.acknowledged_at
                for a in db.session.execute(select(TrainingAcknowledgement)).scalars()}
        pairs = [(m.created_at, m.read_at, done.get((published[m.key][0], m.user_id)), published[m.key][1])
                 for m in db.session.execute(select(InboxMessage).where(InboxMessage.kind == "training")).scalars()]
    assert len(pairs) == delivered
    assert all(created - published < timedelta(hours=1) for created, _read, _done, published in pairs)
    assert all(read is not None and created <= read <= done for created, read, done, _ in pairs if done)
    assert any(read is None for _created, read, done, _ in pairs if not done)  # some have not opened it yet
    again = (_count(app, TrainingMaterial), _count(app, TrainingFile), _count(app, GoodPractice),
             _count(app, TrainingAcknowledgement), _count(app, InboxMessage))
    with app.app_context():
        second = fill_training(today=date(2026, 12, 1), now=datetime(2026, 12, 1, 8, 0), rng=random.Random(1))
        db.session.commit()
    assert second["training_materials"] == second["training_delivered"] == 0
    assert (_count(app, TrainingMaterial), _count(app, TrainingFile), _count(app, GoodPractice),
            _count(app, TrainingAcknowledgement), _count(app, InboxMessage)) == again
