"""The request every view reads: werkzeug's, with raw bytes in the query string read, and the files of a form it
could not read closed with it.

A query string may carry bytes that are not UTF-8 straight in the request line, not percent-encoded (curl sends
what it is given; so does an attacker). Werkzeug reads such bytes when percent-encoded (they stay percent-encoded
in the value) but raises UnicodeDecodeError on raw ones, from `request.args`, which the host check reads on every
request, and from `request.full_path`, which the layout's language and elder-mode links carry: a 500 on any
address. This request reads raw bytes as werkzeug reads percent-encoded ones.

Werkzeug writes each file part of a multipart body to a temporary file as it reads the body. When a later
part cannot be read (a file name that is not UTF-8, a header cut short), it gives up on the whole form
quietly (an empty form, so the view refuses the post), and the temporary files of the parts it had read are
left open until the garbage collector finds them: a client that repeats such posts holds open file
descriptors of the server. This request keeps every file it opened and closes them all when it ends.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Flask, Request
from werkzeug.utils import cached_property


class ClosingRequest(Request):
    """A request whose query string may hold any bytes, and that closes every temporary file its body was read
    into, whether or not the form was usable."""

    @cached_property
    def args(self):
        # "werkzeug.url_quote" (registered by werkzeug) percent-encodes bytes that are not UTF-8, as werkzeug
        # leaves them when they came percent-encoded: "q=%FF" and a raw 0xFF byte give the same value.
        return self.parameter_storage_class(parse_qsl(self.query_string.decode(errors="werkzeug.url_quote"),
                                                      keep_blank_values=True, errors="werkzeug.url_quote"))

    @cached_property
    def full_path(self) -> str:
        # What the layout's `next=` links carry; werkzeug's raises on the same bytes.
        return f"{self.path}?{self.query_string.decode(errors='werkzeug.url_quote')}"

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        stream = super()._get_file_stream(total_content_length, content_type, filename, content_length)
        self.__dict__.setdefault("_opened_files", []).append(stream)
        return stream

    def close(self) -> None:
        super().close()
        for stream in self.__dict__.pop("_opened_files", []):
            stream.close()


def init_app(app: Flask) -> None:
    app.request_class = ClosingRequest
