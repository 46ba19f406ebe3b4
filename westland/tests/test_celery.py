from celery import Task
from django.conf import settings
from django.utils.module_loading import import_string

from westland.celery import app


def test_every_scheduled_task_imports_and_is_registered():
    assert settings.CELERY_BEAT_SCHEDULE, "the beat schedule is empty"
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        task = import_string(entry["task"])
        assert isinstance(task, Task), name
        assert entry["task"] in app.tasks, f"{entry['task']} is not registered with the Celery app"


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
