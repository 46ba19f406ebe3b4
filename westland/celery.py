"""The Celery application: configured from Django settings (``CELERY_*``).

Worker and beat log through Django's ``LOGGING`` (westland.logs) instead of setting up
the root logger themselves, and a task runs under the request id of the request (or
task) that queued it: django-guid's id travels as a message header.
"""

import os
from contextvars import ContextVar

from celery import Celery
from celery.signals import before_task_publish, celeryd_init, setup_logging, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "westland.settings")

app = Celery("westland")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# While a worker consumes tasks it records a heartbeat in the database, for /healthz.
app.steps["consumer"].add("common.heartbeat:WorkerHeartbeat")

# The message header that carries the request id (the same name as the HTTP header).
REQUEST_ID_HEADER = "request_id"
# What a task's run replaced, so the id is put back after it (an eager task runs inside
# the request that queued it, which goes on logging under its own id).
_before_task: ContextVar = ContextVar("westland_before_task", default=None)


@setup_logging.connect
@celeryd_init.connect
def use_django_logging(**kwargs):
    """Connected to setup_logging, this keeps Celery from configuring logging itself (its
    own format, the root logger). At celeryd_init too, so that the worker's first warnings
    (Python warnings, as logged lines) are already in the one format."""
    import logging
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    logging.captureWarnings(True)


@before_task_publish.connect
def send_request_id(headers=None, **kwargs):
    from django_guid import get_guid

    request_id = get_guid()
    if request_id and headers is not None:
        headers[REQUEST_ID_HEADER] = request_id


@task_prerun.connect
def take_request_id(task=None, **kwargs):
    """Log a task's lines under the id of the request that queued it; a periodic task gets a new one.

    django-guid's own Celery integration is not used: it gives an eager task (``make
    run``, tests) a new id and then clears the request's, so the rest of the request
    logged without one.
    """
    from django_guid.context import guid
    from django_guid.utils import generate_guid

    current = guid.get()
    if task.request.is_eager and current:
        return
    request_id = task.request.get(REQUEST_ID_HEADER) or generate_guid()
    _before_task.set(guid.set(request_id))


@task_postrun.connect
def drop_request_id(**kwargs):
    from django_guid.context import guid

    token = _before_task.get()
    if token is not None:
        _before_task.set(None)
        guid.reset(token)
