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
