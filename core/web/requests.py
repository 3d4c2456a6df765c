"""The request every view reads: werkzeug's, with the files of a form it could not read closed with it.

Werkzeug writes each file part of a multipart body to a temporary file as it reads the body. When a later
part cannot be read (a file name that is not UTF-8, a header cut short), it gives up on the whole form
quietly (an empty form, so the view refuses the post), and the temporary files of the parts it had read are
left open until the garbage collector finds them: a client that repeats such posts holds open file
descriptors of the server. This request keeps every file it opened and closes them all when it ends.
"""
from __future__ import annotations

from flask import Flask, Request


class ClosingRequest(Request):
    """A request that closes every temporary file its body was read into, whether or not the form was usable."""

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
