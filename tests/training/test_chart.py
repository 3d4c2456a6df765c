"""The acknowledgements chart in both languages: a site's long English name must not squeeze the bars away."""
from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

from flask_babel import force_locale

from core.training.charts import LABEL_EM, NARROW_LABEL_EM, label_em, progress_chart
from core.training.queries import Person, Progress, SiteProgress

NAMES = [("廊坊市城市管理综合执法局", "Langfang Municipal Urban Management and Comprehensive Law Enforcement Bureau"),
         ("廊坊市人民政府国有资产监督管理委员会",
          "State-owned Assets Supervision and Administration Commission of Langfang Municipal People's Government"),
         ("廊坊市气象局", "Langfang Meteorological Bureau")]


def _figures() -> Progress:
    sites = []
    for index, (zh, en) in enumerate(NAMES):
        row = SiteProgress(SimpleNamespace(name_zh=zh, name_en=en, slug=f"s{index}"))
        row.people = [Person(None, ("editor",), datetime(2026, 12, 1) if n < index else None) for n in range(3)]
        sites.append(row)
    return Progress(sites=sites, people=9, acknowledged=3, delivered=9)


def test_long_names_are_cut_and_the_bars_keep_their_room(app):
    for language in ("zh_CN", "en"):
        for narrow, limit in ((False, LABEL_EM), (True, NARROW_LABEL_EM)):
            with app.test_request_context(), force_locale(language):
                svg = str(progress_chart(_figures(), narrow=narrow))
            labels = re.findall(r'<text x="-5"[^>]*>([^<]+)</text>', svg)  # the sites, left of the axis
            assert labels and all(label_em(label) <= limit for label in labels), (language, narrow, labels)
            bars = re.findall(r'<rect [^>]*class="rect reactive tooltip-trigger"', svg)
            widths = [float(w) for bar in bars for w in re.findall(r'width="([0-9.]+)"', bar)]
            assert widths and max(widths) > (80 if narrow else 150), (language, narrow, widths)
            ticks = re.findall(r'<text[^>]*>(\d+(?:\.\d+)?)</text>', svg)
            assert ticks and all("." not in tick for tick in ticks), ticks  # whole people on the axis
