"""The reach import writes its rows in batches (bulk_create, bulk_update): the figures land,
the counts' copied quarter columns stay the report's, and the dashboard sees the change."""

import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coalition.models import AgeGroup, ReachCount, ReachReport
from coalition.resources import ReachReportResource
from coalition.tests.factories import InitiativeFactory, ReachReportFactory

pytestmark = pytest.mark.django_db

COLUMNS = ["initiative", "year", "quarter", "participants", "new_participants", "volunteers", "meetings"]


def test_a_large_reach_import_costs_no_query_per_row(administrator):
    initiatives = InitiativeFactory.create_batch(5)
    rows = [(i.pk, 2020 + n, q, 10, 2, 1, 4) for n in range(10) for q in (1, 2, 3, 4) for i in initiatives]

    with CaptureQueriesContext(connection) as captured:
        result = ReachReportResource().import_data(tablib.Dataset(*rows, headers=COLUMNS), user=administrator)

    assert not result.has_errors() and not result.has_validation_errors()
    assert ReachReport.objects.count() == len(rows) == 200
    # Lookups, the savepoints of the one transaction and one INSERT per batch: not 200 of anything.
    assert len(captured) < 20, [q["sql"][:80] for q in captured]
    assert set(ReachReport.objects.values_list("reported_by", flat=True)) == {administrator.pk}


def test_an_update_in_bulk_keeps_the_counts_copies_of_their_report(administrator):
    report = ReachReportFactory(year=2026, quarter=2, participants=20, new_participants=5)
    count = ReachCount.objects.create(report=report, age_group=AgeGroup.objects.get(code="ouderen"), participants=9)
    # Copies gone stale are put right by the statement that keeps them after a bulk update.
    ReachCount.objects.filter(pk=count.pk).update(year=1999, quarter=4)
    dataset = tablib.Dataset((report.initiative_id, 2026, 2, 30, 6, 2, 7), headers=COLUMNS)

    result = ReachReportResource().import_data(dataset, user=administrator)

    assert [row.import_type for row in result.rows] == ["update"]
    report.refresh_from_db()
    count.refresh_from_db()
    assert (report.participants, report.new_participants, report.meetings) == (30, 6, 7)
    assert (count.initiative_id, count.year, count.quarter, count.is_demo) == (report.initiative_id, 2026, 2, False)


def test_new_participants_above_the_total_is_still_an_error_of_its_row(administrator):
    initiative = InitiativeFactory()
    dataset = tablib.Dataset(
        (initiative.pk, 2026, 1, 10, 2, 1, 4), (initiative.pk, 2026, 2, 10, 12, 1, 4), headers=COLUMNS
    )

    result = ReachReportResource().import_data(dataset, user=administrator)

    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert "Het aantal nieuwe deelnemers kan niet meer zijn dan het totaal." in str(invalid.error_dict)
    assert not ReachReport.objects.exists()


def test_the_signal_after_an_admin_import_makes_the_dashboard_figures_stale(administrator):
    from import_export.signals import post_import

    from monitoring.dashboard.cache import data_version

    before = data_version()
    post_import.send(sender=None, model=ReachReport)
    assert data_version() != before
