"""Capture what the portal's own log configuration (westland.logs) writes, as an operator reads it."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import logging.config

from westland import logs


class CapturedLog:
    def __init__(self, stream: io.StringIO):
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def records(self) -> list[dict]:
        """Each line parsed as JSON (LOG_FORMAT=json); a line that is not fails the test."""
        return [json.loads(line) for line in self.lines]


@contextlib.contextmanager
def captured_log(log_format: str = "plain", level: str = "DEBUG"):
    """The portal's dictConfig (Django's LOGGING) with its one handler writing to a buffer.

    The loggers the configuration names and the root logger are put back afterwards.
    """
    config = logs.config(level, log_format)
    stream = io.StringIO()
    config["handlers"]["console"]["stream"] = stream
    names = [None, *config["loggers"]]
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
    logging.config.dictConfig(config)
    try:
        yield CapturedLog(stream)
    finally:
        for name, (handlers, level_, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            for handler in logger.handlers[:]:
                if handler not in handlers:
                    logger.removeHandler(handler)
            for handler in handlers:
                if handler not in logger.handlers:
                    logger.addHandler(handler)
            logger.setLevel(level_)
            logger.propagate = propagate
            logger.disabled = disabled
