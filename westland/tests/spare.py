"""Spare services a fault test starts, stops and starts again itself (never the machine's own)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

from .services import require


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SpareRedis:
    """A redis-server of the test's own on a free port, keeping nothing on disk."""

    def __init__(self):
        require(shutil.which("redis-server"), "redis-server (Debian's redis-server package)")
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> SpareRedis:
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server on a test port
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as connection:
                    connection.sendall(b"PING\r\n")
                    if connection.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def cache_settings(self) -> dict:
        return {
            "default": {
                "BACKEND": "common.cache.ResilientRedisCache",
                "LOCATION": self.url,
                "KEY_PREFIX": "spare",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            }
        }


class SpareSMTP:
    """A real SMTP server of the test's own (aiosmtpd) on a free port.

    ``refusing`` makes it answer every message with a temporary failure (451), as a mail
    server in trouble does; ``stop()`` makes it unreachable. ``messages`` holds what it
    accepted, as (recipients, raw message) pairs."""

    def __init__(self):
        self.port = free_port()
        self.refusing = False
        self.messages = []
        self.controller = None

    def start(self) -> SpareSMTP:
        from aiosmtpd.controller import Controller

        spare = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
                if spare.refusing:
                    return "451 4.3.0 Try again later"
                spare.messages.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

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
