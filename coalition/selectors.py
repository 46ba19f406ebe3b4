"""Read models for the public pages: the social map, the partner list and the open data.

Every function returns a queryset that loads what its page shows in a fixed number of
queries, however many initiatives or partners there are (related rows are joined or
prefetched, counts are computed by the database).
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Count, Prefetch, Q, Value, When
from django.utils import timezone

from .constants import STALE_PUBLIC_DAYS, InitiativeStatus
from .models import AgeGroup, Domain, Initiative, Kern, Organisation


def stale_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """Initiatives last updated before this moment are marked as possibly out of date."""
    return (now or timezone.now()) - datetime.timedelta(days=STALE_PUBLIC_DAYS)


def published_initiatives():
    """The social map: active initiatives of approved partners, with what a card shows."""
    return (
        Initiative.objects.published()
        .select_related("organisation", "organisation__domain")
        .prefetch_related(
            Prefetch("kernen", queryset=Kern.objects.order_by("position", "name")),
            Prefetch("age_groups", queryset=AgeGroup.objects.order_by("position", "name")),
        )
        .annotate(
            is_stale=Case(
                When(updated_at__lt=stale_before(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


def search_initiatives(
    *,
    text: str = "",
    kern: Kern | None = None,
    age_group: AgeGroup | None = None,
    kind: str = "",
    domain: Domain | None = None,
    free_only: bool = False,
    accepts_referrals: bool = False,
):
    """Published initiatives narrowed by the social map's filters, in title order.

    Each filter on a many-to-many relation matches one row per initiative (an
    initiative names a village or age group once), so no DISTINCT is needed.
    """
    initiatives = published_initiatives()
    if text:
        initiatives = initiatives.filter(
            Q(title__icontains=text) | Q(description__icontains=text) | Q(organisation__name__icontains=text)
        )
    if kern is not None:
        initiatives = initiatives.filter(kernen=kern)
    if age_group is not None:
        initiatives = initiatives.filter(age_groups=age_group)
    if kind:
        initiatives = initiatives.filter(kind=kind)
    if domain is not None:
        initiatives = initiatives.filter(organisation__domain=domain)
    if free_only:
        initiatives = initiatives.filter(is_free=True)
    if accepts_referrals:
        initiatives = initiatives.filter(accepts_referrals=True)
    return initiatives.order_by("title", "pk")


def partners_by_domain():
    """Active domains in their order, each with its approved partners in ``domain.partners``.

    Each partner carries ``initiative_count``: its initiatives on the social map.
    """
    partners = (
        Organisation.objects.approved()
        .annotate(initiative_count=Count("initiatives", filter=Q(initiatives__status=InitiativeStatus.ACTIVE)))
        .prefetch_related(Prefetch("kernen", queryset=Kern.objects.order_by("position", "name")))
        .order_by("name")
    )
    return (
        Domain.objects.active()
        .order_by("position", "name")
        .prefetch_related(Prefetch("organisations", queryset=partners, to_attr="partners"))
    )


def open_data_initiatives():
    """Published initiatives for the open data export, in a stable order."""
    return published_initiatives().order_by("organisation__name", "title", "pk")
