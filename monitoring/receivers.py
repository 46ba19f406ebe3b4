"""Make the cached monitoring aggregates stale when the data behind them change.

Every aggregate is cached under a data version (``dashboard.cache.data_version``); a change
to any row the dashboard counts bumps it. It is bumped at once, so the same request
sees fresh figures, and again after the transaction commits, so that a page computed
meanwhile from the data as they were before the commit is not kept as current.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from import_export.signals import post_import

from coalition.models import AgeGroup, Domain, Initiative, Kern, Organisation, ReachCount, ReachReport
from signals.models import Outcome, Referral, Signal

from .dashboard.cache import bump_version
from .models import Observation, Target

COUNTED_MODELS = [Observation, Target, Organisation, Initiative, ReachReport, ReachCount, Signal, Referral]
# The reference lists name the figures' rows and are the dashboard's filter choices
# (selectors.reference, cached): a renamed or deactivated village shows at once.
COUNTED_MODELS += [Domain, AgeGroup, Kern, Outcome]
COUNTED_RELATIONS = [Organisation.kernen.through, Initiative.kernen.through, Initiative.age_groups.through]


def data_changed(**kwargs):
    bump_version()
    # One bump after commit is enough however many rows the transaction changes (filing a
    # signal saves it three times): each is a round trip to the cache.
    connection = transaction.get_connection()
    if not any(func is bump_version for _savepoints, func, _robust in connection.run_on_commit):
        transaction.on_commit(bump_version, robust=True)


for model in COUNTED_MODELS:
    receiver(post_save, sender=model, dispatch_uid=f"monitoring-save-{model._meta.label}")(data_changed)
    receiver(post_delete, sender=model, dispatch_uid=f"monitoring-delete-{model._meta.label}")(data_changed)
for through in COUNTED_RELATIONS:
    receiver(m2m_changed, sender=through, dispatch_uid=f"monitoring-m2m-{through._meta.label}")(data_changed)


@receiver(post_import, dispatch_uid="monitoring-import")
def data_imported(model=None, **kwargs):
    """An admin import may write its rows in bulk, which sends no post_save (the reach reports)."""
    if model in COUNTED_MODELS:
        data_changed()
