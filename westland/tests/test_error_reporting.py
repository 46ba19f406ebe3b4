"""Error reporting (SENTRY_DSN): an error in a view reaches the service with its request id
and without the resident's details that were posted. The service is a real HTTP server
of the test's own that accepts the SDK's envelopes, as Sentry or GlitchTip would."""

import gzip
import json
import threading
import urllib.error
import urllib.request
import uuid
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote_plus, urlencode

import pytest
import sentry_sdk

from westland import error_reporting

RESIDENT = {
    "resident_name": "Jannie Zwinkels",
    "resident_phone": "0174 555 123",
    "resident_email": "jannie@voorbeeld.nl",
    "note": "Zit sinds de dood van haar man alleen thuis.",
}


class Receiver(ThreadingHTTPServer):
    """Accepts envelope POSTs (/api/<project>/envelope/) and keeps their decompressed bodies."""

    daemon_threads = True

    def __init__(self):
        self.bodies = []
        self.received = threading.Event()
        super().__init__(("127.0.0.1", 0), self.Handler)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            elif self.headers.get("Content-Encoding") == "deflate":
                body = zlib.decompress(body)
            self.server.bodies.append(body.decode("utf-8"))
            self.server.received.set()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    @property
    def dsn(self):
        return f"http://0123456789abcdef0123456789abcdef@127.0.0.1:{self.server_address[1]}/1"

    def events(self):
        """The error events of the envelopes received.

        An envelope is a header line, then items: an item header line and its payload,
        ``length`` bytes long when the header says so, else up to the next line break.
        """
        found = []
        for body in self.bodies:
            rest = body.encode("utf-8").partition(b"\n")[2]
            while rest.strip():
                item_header, _, rest = rest.partition(b"\n")
                item = json.loads(item_header)
                if "length" in item:
                    payload, rest = rest[: item["length"]], rest[item["length"] + 1 :]
                else:
                    payload, _, rest = rest.partition(b"\n")
                if item.get("type") == "event":
                    found.append(json.loads(payload))
        return found


@pytest.fixture
def receiver():
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    error_reporting.init(server.dsn, environment="test")
    yield server
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.get_global_scope().set_client(None)
    server.shutdown()
    server.server_close()


@pytest.mark.urls("westland.tests.urls_failing")
def test_an_error_in_a_view_arrives_with_the_request_id_and_without_the_residents_details(receiver, live_server):
    sent = str(uuid.uuid4())
    request = urllib.request.Request(
        f"{live_server.url}/faalt/?naam={quote_plus(RESIDENT['resident_name'])}",
        data=urlencode(RESIDENT).encode(),
        headers={
            "X-Request-ID": sent,
            "Cookie": f"resident={quote_plus(RESIDENT['resident_name'])}",
            "Authorization": f"Basic {RESIDENT['resident_email']}",
            "X-Resident-Phone": RESIDENT["resident_phone"],
        },
    )
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=30)  # noqa: S310 (the test's own server)
    assert answer.value.code == 500
    assert answer.value.headers["X-Request-ID"] == sent
    sentry_sdk.flush(timeout=10)

    assert receiver.received.wait(10), "nothing reached the error reporting service"
    errors = [event for event in receiver.events() if event.get("exception")]
    assert len(errors) == 1, receiver.bodies
    (event,) = errors
    assert event["exception"]["values"][-1]["type"] == "RuntimeError"
    assert event["exception"]["values"][-1]["value"] == "Could not store the signal of [Filtered] (15 letters)"
    assert event["tags"]["request_id"] == sent
    assert event["request"]["url"] == f"{live_server.url}/faalt/"
    assert event["request"]["method"] == "POST"
    everything = "\n".join(receiver.bodies)
    for value in RESIDENT.values():
        for form in (value, quote_plus(value), json.dumps(value)[1:-1]):
            assert form not in everything, f"{form!r} was sent to the error reporting service"


def test_without_a_dsn_nothing_is_started():
    error_reporting.init("")
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Key (email)=(j.zwinkels@voorbeeld.nl) already exists.", "Key (email)=([Filtered]) already exists."),
        ("bel 0174 123 456 of +31 6 1234 5678", "bel [Filtered] of [Filtered]"),
        ("Signal S-2026-000123 has no route", "Signal S-2026-000123 has no route"),
    ],
)
def test_exception_messages_lose_addresses_and_phone_numbers(text, expected):
    assert error_reporting.mask(text) == expected
