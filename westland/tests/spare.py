"""Spare services a fault test starts, stops and starts again itself (never the machine's own).

They are the ones ``make load``'s fault phase uses (``benchmarks/load/faults.py``), with
what a test needs on top: a skip locally (a failure in CI) without redis-server, and the
settings that point the portal at them."""

from __future__ import annotations

import shutil
import subprocess

from benchmarks.load import faults

from .services import require


class SpareRedis(faults.Redis):
    """A redis-server of the test's own on a free port, keeping nothing on disk."""

    def __init__(self):
        require(shutil.which("redis-server"), "redis-server (Debian's redis-server package)")
        super().__init__(subprocess.DEVNULL)

    def cache_settings(self) -> dict:
        return {
            "default": {
                "BACKEND": "common.cache.ResilientRedisCache",
                "LOCATION": self.url,
                "KEY_PREFIX": "spare",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            }
        }


class SpareSMTP(faults.SMTP):
    """A real SMTP server of the test's own (aiosmtpd) on a free port: ``refusing`` answers
    451, ``stop()`` makes it unreachable; ``messages`` is what it accepted, as
    (recipients, message text) pairs."""

    @property
    def messages(self) -> list[tuple[list[str], str]]:
        return [(list(recipients), content.decode("utf-8", "replace")) for recipients, content in self.accepted]

    def email_settings(self) -> dict:
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": self.port,
            "EMAIL_USE_TLS": False,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_TIMEOUT": 5,
        }
