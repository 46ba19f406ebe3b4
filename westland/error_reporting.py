"""Optional error reporting to Sentry or a self-hosted GlitchTip (``SENTRY_DSN``).

An error reaches the service with its request id (tag ``request_id``, the same id as in
the log lines) and without anything that could be a resident's personal data: the SDK
is told to collect no personal data (``data_collection``, which replaces
``send_default_pii=False`` in sentry-sdk 2.75), no request bodies and no local variables, and
``scrub`` removes on top of that whatever an integration still attached (cookies,
headers other than a few harmless ones, the query string, the user, breadcrumb data) and
masks e-mail addresses and phone numbers in exception messages.
"""

from __future__ import annotations

from westland.logs import mask

# Request headers that say nothing about a person; every other one is dropped.
KEPT_HEADERS = {"accept", "accept-language", "content-length", "content-type", "host", "user-agent", "x-request-id"}


def _scrub_request(request: dict) -> None:
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    headers = request.get("headers") or {}
    request["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
    if "url" in request:
        request["url"] = request["url"].split("?", 1)[0]


def _scrub_frames(event: dict) -> None:
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = mask(exception.get("value"))
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    for thread in (event.get("threads") or {}).get("values") or []:
        for frame in (thread.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def scrub(event: dict, hint: dict | None = None) -> dict:
    """sentry-sdk's ``before_send``: drop what could be personal data, add the request id."""
    from django_guid import get_guid

    _scrub_request(event.get("request") or {})
    _scrub_frames(event)
    event.pop("user", None)
    event.pop("extra", None)
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if key in logentry:
            logentry[key] = mask(logentry[key])
    if "params" in logentry:
        logentry["params"] = [mask(param) for param in logentry["params"] or []]
    if "message" in event:
        event["message"] = mask(event["message"])
    for breadcrumb in (event.get("breadcrumbs") or {}).get("values") or []:
        breadcrumb.pop("data", None)
        breadcrumb["message"] = mask(breadcrumb.get("message"))
    request_id = get_guid()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init(dsn: str, environment: str = "production", release: str | None = None) -> None:
    """Start the SDK with the Django and Celery integrations (a no-op without a DSN)."""
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # send_default_pii=False, as sentry-sdk 2.75 asks for it (send_default_pii is
        # deprecated there): no user, cookies, bodies, query strings, SQL parameters, task
        # arguments or local variables; of the headers only the harmless ones.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        before_send=scrub,
        traces_sample_rate=0.0,
    )
