"""The ceiling: the cheapest page Flask and Jinja can serve under our gunicorn settings.

A title and a ten-item list rendered from a template, no database, no
middleware. Whatever govsites does on top of that (tenant resolution, queries,
a real theme) shows up as the distance from this number. Every path answers
200, so wrk can replay the very same request mix against it.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))

ITEMS = [{"id": n, "title": f"关于做好第{n}季度重点工作的通知", "date": f"2026-11-{n + 10:02d}"} for n in range(1, 11)]


@app.get("/", defaults={"path": ""})
@app.get("/<path:path>")
def page(path: str):
    return render_template("ceiling.html", title="工作动态", items=ITEMS)
