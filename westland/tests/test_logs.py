"""The logs an operator searches: one line per record, UTC ISO 8601 time stamps, JSON on
request, and the request id on every line of a request and of the tasks it queues."""

import datetime
import logging
import re
import uuid

import pytest
import time_machine
from django.urls import reverse
from django_guid import get_guid, set_guid

from common import outbox
from common.models import Email
from common.tasks import deliver_emails
from westland import logs
from westland.tests.logcapture import captured_log
from westland.tests.spare import SpareSMTP

UTC_ISO_8601 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PLAIN_LINE = re.compile(r"^(\S+) (DEBUG|INFO|WARNING|ERROR|CRITICAL) (\S+) \[([^\]]+)\] (.*)$")
logger = logging.getLogger("westland.tests.logs")


def fail_with_a_traceback():
    try:
        {}["missing"]
    except KeyError:
        logger.exception("First line\nsecond line of the same message")


def test_a_json_line_parses_with_the_fields_an_operator_searches():
    with captured_log("json") as log:
        fail_with_a_traceback()

    assert len(log.lines) == 1, log.text
    (record,) = log.records()
    assert set(record) == {"timestamp", "level", "logger", "message", "request_id", "exception"}
    assert record["level"] == "ERROR"
    assert record["logger"] == "westland.tests.logs"
    assert record["message"] == "First line\nsecond line of the same message"
    assert record["request_id"] == "-"
    assert record["exception"].startswith("Traceback (most recent call last):")
    assert record["exception"].rstrip().endswith("KeyError: 'missing'")


def test_a_json_line_carries_no_extras_of_a_record():
    with captured_log("json") as log:
        logger.warning("Bad request", extra={"request": "<WSGIRequest: GET '/zoek/?q=Jannie'>", "status_code": 400})

    (record,) = log.records()
    assert "Jannie" not in log.text
    assert set(record) == {"timestamp", "level", "logger", "message", "request_id"}


def test_a_plain_record_is_one_line_with_the_traceback_folded_onto_it():
    with captured_log("plain") as log:
        fail_with_a_traceback()

    assert len(log.lines) == 1, log.text
    timestamp, level, name, request_id, rest = PLAIN_LINE.match(log.lines[0]).groups()
    assert UTC_ISO_8601.match(timestamp)
    assert (level, name, request_id) == ("ERROR", "westland.tests.logs", "-")
    assert rest.startswith("First line\\nsecond line of the same message\\nTraceback (most recent call last):\\n")
    assert rest.endswith("KeyError: 'missing'")


@pytest.mark.parametrize("log_format", logs.FORMATS)
def test_a_logged_exception_loses_the_addresses_and_phone_numbers_its_message_quotes(log_format):
    with captured_log(log_format) as log:
        try:
            raise ValueError("Key (email)=(jannie@voorbeeld.nl) exists; phone 0174 555 123; signal S-2026-000123")
        except ValueError:
            logger.exception("Could not save")

    assert "jannie@voorbeeld.nl" not in log.text and "0174 555 123" not in log.text
    assert "ValueError: Key (email)=([Filtered]) exists; phone [Filtered]; signal S-2026-000123" in log.text


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        # Winter and summer in Europe/Amsterdam (TIME_ZONE): the stamp stays in UTC.
        (datetime.datetime(2026, 12, 2, 18, 5, 9, 123456, tzinfo=datetime.UTC), "2026-12-02T18:05:09.123Z"),
        (datetime.datetime(2026, 7, 1, 23, 30, 0, 7_500, tzinfo=datetime.UTC), "2026-07-01T23:30:00.007Z"),
    ],
)
@pytest.mark.parametrize("log_format", logs.FORMATS)
def test_the_time_stamp_is_utc_iso_8601_whatever_the_local_time(settings, utc, expected, log_format):
    assert settings.TIME_ZONE == "Europe/Amsterdam"
    with time_machine.travel(utc, tick=False), captured_log(log_format) as log:
        logger.info("Tick")

    line = log.lines[0]
    stamp = log.records()[0]["timestamp"] if log_format == "json" else line.split(" ", 1)[0]
    assert stamp == expected


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT must be one of plain, json"):
        logs.config("INFO", "xml")


# The request id -----------------------------------------------------------------------


def test_every_line_of_a_request_carries_its_id_and_the_response_returns_it(client, db):
    sent = str(uuid.uuid4())
    start = reverse("intake:start")
    with captured_log("json") as log:
        response = client.get(start, HTTP_X_REQUEST_ID=sent)
        client.get("/bestaat-niet/", HTTP_X_REQUEST_ID=sent)

    assert response.status_code == 200
    assert response["X-Request-ID"] == sent
    records = log.records()
    assert any(record["message"] == "Not Found: /bestaat-niet/" for record in records), log.text
    assert {record["request_id"] for record in records} == {sent}


@pytest.mark.parametrize(
    "header",
    ["not-a-uuid", "x" * 300, "6f1c8a5e\r\nINFO forged line", "' OR 1=1 --"],
)
def test_an_incoming_request_id_that_is_not_sane_is_replaced(client, db, header):
    with captured_log("plain") as log:
        response = client.get("/bestaat-niet/", HTTP_X_REQUEST_ID=header)

    returned = response["X-Request-ID"]
    assert returned != header
    assert re.fullmatch(r"[0-9a-f]{32}", returned)
    assert "forged" not in "".join(line for line in log.lines if "[-]" not in line)
    assert len(log.lines) == len(log.text.splitlines())
    assert any(f"[{returned}] Not Found: /bestaat-niet/" in line for line in log.lines), log.text


@pytest.fixture
def refusing_smtp(settings):
    server = SpareSMTP().start()
    for name, value in server.email_settings().items():
        setattr(settings, name, value)
    server.refusing = True
    yield server
    server.stop()


def test_an_eager_task_logs_under_the_id_of_the_request_and_leaves_it_to_the_request(db, refusing_smtp, celery_eager):
    email = outbox.queue("test.hallo", subject="Hallo", body="Een bericht.", address="coordinator@voorbeeld.nl")
    request_id = uuid.uuid4().hex
    set_guid(request_id)
    try:
        with captured_log("json") as log:
            deliver_emails.delay([email.pk])
            after = get_guid()
    finally:
        set_guid(None)

    email.refresh_from_db()
    assert email.status == Email.Status.PENDING and email.attempts == 1
    warnings = [record for record in log.records() if record["logger"] == "common.outbox"]
    assert [record["request_id"] for record in warnings] == [request_id], log.text
    assert after == request_id
