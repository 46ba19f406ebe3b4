"""Delivery of the outbox. Tasks take primary keys and are idempotent (common.outbox.deliver)."""

from celery import shared_task

from . import outbox


@shared_task
def deliver_emails(email_ids):
    """The e-mails of one change (or one retry round): one broker message for all of them."""
    return [outbox.deliver(pk) for pk in email_ids]


@shared_task
def retry_due_emails():
    """Beat, every minute: hand over what is due again (the broker or the mail server was away)."""
    ids = outbox.due_ids()
    outbox.hand_to_worker(ids)
    return len(ids)


@shared_task
def run_import_job(job_id):
    """One step of a large import (the preview or the import itself): common.import_jobs."""
    from . import import_jobs

    return import_jobs.run(job_id)


@shared_task
def tend_import_jobs():
    """Beat: queue again an import the broker never got; discard previews left for a day."""
    from . import import_jobs

    return import_jobs.tend()
