"""No personal information in the logs: every log record is masked as it is made.

A record factory rather than a handler filter, so that records of every
logger — the app's, gunicorn's access log with its query strings, a library's
warning that quotes a value — are masked before any handler sees them.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import unquote, unquote_plus

from core.privacy.masking import mask_personal_text

_installed = False


def _masking_factory(make):
    def factory(*args, **kwargs):
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record that cannot format itself is left for logging to report
            return record
        masked = mask_log_line(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return record

    return factory


#: A word of a log line that may be a URL, encoded: it holds a "%" escape or a query string.
_URL_WORD = re.compile(r"[^\s\"']*[%?][^\s\"']*")


def _decode_url(word: str) -> str:
    path, mark, query = word.partition("?")
    return unquote(path, errors="replace") + mark + unquote_plus(query, errors="replace")


def mask_log_line(message: str) -> str:
    """The line with every ID and mobile number masked, also where a URL carries it encoded.

    An access log line quotes the query string as sent ("?q=138+1234+5678", "%28138%2912345678"): when the
    decoded line holds personal data, the decoded line is logged masked instead. Only the URLs in the line are
    decoded (a word with "%" or "?"), each as a URL is: "%xx" everywhere, "+" as a space only in its query
    string; the rest (the time's "+0000") stays as it was.
    """
    masked = mask_personal_text(message)
    if "%" in message or "+" in message:
        decoded = _URL_WORD.sub(lambda m: _decode_url(m.group(0)), message)
        masked_decoded = mask_personal_text(decoded)
        if masked_decoded != decoded:
            return mask_personal_text(masked_decoded)
    return masked


def install() -> None:
    """Mask ID and mobile numbers in every log record from now on (once per process)."""
    global _installed
    if not _installed:
        logging.setLogRecordFactory(_masking_factory(logging.getLogRecordFactory()))
        _installed = True


def init_app(app) -> None:
    install()
