"""One log format for every process: gunicorn (error and access log), Django and Celery.

Every record is one line on standard error, stamped in UTC ISO 8601 with milliseconds
(``2026-12-02T18:05:09.123Z``) and carrying the request id of the request (or of the
request that queued the task) it belongs to, ``-`` when there is none.

``LOG_FORMAT=plain`` (the default) writes ``<timestamp> <LEVEL> <logger> [<request id>]
<message>``; a traceback, and any line break in a message, is folded onto that same line
as a literal ``\\n``. ``LOG_FORMAT=json`` writes one JSON object per line with the keys
``timestamp``, ``level``, ``logger``, ``message``, ``request_id`` and, for an error with
a traceback, ``exception`` (one string). Nothing else of a record is written: a record's
extras (Django's request object, Celery's task data) could carry personal data.

This module is read by Django's settings and by gunicorn's config before Django is set
up, so it reads no Django setting.
"""

from __future__ import annotations

import logging
import re
import time

from django_guid.context import guid
from pythonjsonlogger.json import JsonFormatter

FORMATS = ("plain", "json")
NO_REQUEST = "-"
# gunicorn's access log: no time of its own (the record has one), the path without the
# query string (a search may hold a name), no referrer (it may hold a query string).
ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
REQUEST_ID_HEADER = "X-Request-ID"
FILTERED = "[Filtered]"
_EMAIL = re.compile(r"[^\s@'\"<>()]+@[^\s@'\"<>()]+")
# Dutch numbers as typed: 0174 123 456, 06-12345678, +31 6 1234 5678 (seven digits or more).
# Not inside a longer token, so a signal number (S-2026-000123) stays readable.
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d \-().]{5,}\d(?![\w-])")
# gunicorn's name for the X-Request-ID response header among the access log's atoms.
_ACCESS_REQUEST_ID = f"{{{REQUEST_ID_HEADER.lower()}}}o"


def mask(text):
    """``text`` with e-mail addresses and phone numbers replaced by ``[Filtered]``.

    For the text of an exception (in a log line, in an error report): its message may quote
    the data it failed on. Numbers of seven digits or more are masked too, dates among them.
    """
    if not isinstance(text, str):
        return text
    return _PHONE.sub(FILTERED, _EMAIL.sub(FILTERED, text))


def utc_timestamp(record: logging.LogRecord) -> str:
    """The record's time as UTC ISO 8601 with milliseconds: 2026-12-02T18:05:09.123Z."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z"


class RequestIdFilter(logging.Filter):
    """Put the request id on every record (``record.request_id``).

    In a request and in a task it is django-guid's id of the request; gunicorn's access
    log line is written after the request, so there it is read from the response header
    the portal returned.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = guid.get()
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            request_id = record.args.get(_ACCESS_REQUEST_ID)
        record.request_id = request_id or NO_REQUEST
        return True


class PlainFormatter(logging.Formatter):
    """One line per record: a traceback and line breaks are folded onto it as ``\\n``."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return utc_timestamp(record)

    def formatException(self, ei):  # noqa: N802 - logging's name
        return mask(super().formatException(ei))

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = NO_REQUEST
        return super().format(record).replace("\r", "").replace("\n", "\\n")


class JsonLineFormatter(JsonFormatter):
    """One JSON object per line, with a fixed set of keys (python-json-logger)."""

    KEYS = ("timestamp", "level", "logger", "message", "request_id", "exception")

    def __init__(self):
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"asctime": "timestamp", "levelname": "level", "name": "logger", "exc_info": "exception"},
            json_ensure_ascii=False,
        )

    def formatTime(self, record, datefmt=None):  # noqa: N802 - logging's name
        return utc_timestamp(record)

    def formatException(self, ei):  # noqa: N802 - logging's name
        return mask(super().formatException(ei))

    def process_log_record(self, log_data):
        log_data = {key: log_data[key] for key in self.KEYS if key in log_data}
        log_data.setdefault("request_id", NO_REQUEST)
        return log_data


def config(level: str = "INFO", log_format: str = "plain") -> dict:
    """The ``logging.config.dictConfig`` of every process (Django's LOGGING, gunicorn's logconfig_dict).

    Everything goes to one handler on standard error. Django's own handlers are replaced:
    its console handler would print a second line in another format, and its mail_admins
    handler would e-mail a failing request with everything that was posted. SQL queries
    (``django.db.backends`` at DEBUG, with their parameters) and template contexts
    (``django.template`` at DEBUG) and rows of an import (``import_export`` at DEBUG) are
    never logged, whatever LOG_LEVEL says.
    """
    if log_format not in FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "westland.logs.RequestIdFilter"}},
        "formatters": {
            "plain": {"()": "westland.logs.PlainFormatter"},
            "json": {"()": "westland.logs.JsonLineFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Handled by the root's handler only (no second line from Django's own).
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"handlers": [], "level": "INFO", "propagate": True},
            # At DEBUG it logs every missing template variable with the context's repr.
            "django.template": {"handlers": [], "level": "INFO", "propagate": True},
            # At DEBUG it logs the cell values of an import row it could not read.
            "import_export": {"handlers": [], "level": "INFO", "propagate": True},
            # django-guid says at INFO, on every request and before the id is set, that it
            # made one; its warning about a refused X-Request-ID stays.
            "django_guid": {"handlers": [], "level": "WARNING", "propagate": True},
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
            "gunicorn.access": {"handlers": [], "level": "INFO", "propagate": True},
        },
    }
