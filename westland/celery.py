"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "westland.settings")

app = Celery("westland")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# While a worker consumes tasks it records a heartbeat in the database, for /healthz.
app.steps["consumer"].add("common.heartbeat:WorkerHeartbeat")
