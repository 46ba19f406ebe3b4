"""The faults of ``make load``'s fault phase: a Redis of the run's own that is stopped and
started again, and an SMTP server of the run's own that refuses for a while and counts
every message it accepts."""

import shutil
import socket
import subprocess
import threading
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Redis:
    """A redis-server on a free port that keeps nothing on disk, as the machine's does."""

    def __init__(self, logfile):
        self.port = free_port()
        self.logfile = logfile
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("make load needs redis-server (Debian's redis-server package) for its fault phase.")
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server on a port of this run
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
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
        raise SystemExit(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


class SMTP:
    """A real SMTP server (aiosmtpd) that answers 451 while ``refusing`` and counts what it accepts."""

    def __init__(self):
        self.port = free_port()
        self.refusing = False
        self.refused = 0
        self.accepted = []
        self._lock = threading.Lock()
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        smtp = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
                with smtp._lock:
                    if smtp.refusing:
                        smtp.refused += 1
                        return "451 4.3.0 Try again later"
                    smtp.accepted.append((tuple(envelope.rcpt_tos), envelope.content))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


class Phase(threading.Thread):
    """During the load: Redis stopped for a while and started again (empty), then the mail
    server refusing for a while. What happened, and when, goes to ``events``."""

    def __init__(self, redis: Redis, smtp: SMTP, seconds: int, log):
        super().__init__(daemon=True)
        self.redis, self.smtp, self.seconds, self.log = redis, smtp, seconds, log
        self.events = []

    def _at(self, start, offset):
        time.sleep(max(0.0, start + offset - time.monotonic()))

    def _note(self, start, what):
        self.events.append((round(time.monotonic() - start, 1), what))
        self.log(f"  fault phase, {self.events[-1][0]:>5} s: {what}")

    def run(self):
        start = time.monotonic()
        outage = max(5, self.seconds // 6)
        self._at(start, self.seconds * 0.25)
        self.redis.stop()
        self._note(start, "Redis stopped")
        self._at(start, self.seconds * 0.25 + outage)
        self.redis.start()
        self._note(start, "Redis started again (empty)")
        self._at(start, self.seconds * 0.55)
        self.smtp.refusing = True
        self._note(start, "mail server refuses (451)")
        self._at(start, self.seconds * 0.55 + outage)
        self.smtp.refusing = False
        self._note(start, "mail server accepts again")
