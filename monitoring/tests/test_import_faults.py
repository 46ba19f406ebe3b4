"""The database refuses a write in the middle of an import: nothing is half-stored.

A PostgreSQL trigger, made by the test inside its own transaction (so it goes with the
rollback at the end), raises on the N-th row inserted into a table, as a full disk, a
lost connection or a constraint of a DBA would. Runs on PostgreSQL (CI); elsewhere it
says why it skips, and in CI a missing PostgreSQL fails it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from coalition.models import Organisation, OrganisationEvent
from monitoring.models import Observation, ObservationChange, Survey, SurveyResponse
from monitoring.tests.factories import answers_with_total, header, survey_csv
from westland.tests.services import require

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")


def refuse_the_nth_insert(table, n):
    """From the n-th row inserted into ``table`` on, PostgreSQL raises."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY SEQUENCE fault_rows")
        cursor.execute(
            f"""
            CREATE FUNCTION pg_temp.refuse_nth_row() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('fault_rows') >= {int(n)} THEN
                    RAISE EXCEPTION 'the test refuses row %', currval('fault_rows');
                END IF;
                RETURN NEW;
            END $$
            """
        )
        cursor.execute(
            f'CREATE TRIGGER refuse_nth_row BEFORE INSERT ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION pg_temp.refuse_nth_row()"
        )


def survey_rows():
    return (
        Survey.objects.count(),
        SurveyResponse.objects.count(),
        Observation.objects.count(),
        ObservationChange.objects.count(),
    )


def test_import_survey_stores_nothing_when_the_database_refuses_the_third_observation(tmp_path):
    rows = [
        ["R-001", "70", "Monster", *answers_with_total(10)],
        ["R-002", "80", "Monster", *answers_with_total(1)],
        ["R-003", "30", "Naaldwijk", *answers_with_total(4)],
        ["R-004", "40", "Naaldwijk", *answers_with_total(0)],
    ]
    path = tmp_path / "enquete.csv"
    path.write_text(survey_csv(header(), rows))
    before = survey_rows()
    refuse_the_nth_insert("monitoring_observation", 3)

    with pytest.raises(CommandError) as refused:
        call_command("import_survey", str(path), year=2024, source="GGD Haaglanden 2024")

    assert "Er is niets opgeslagen" in str(refused.value)
    assert survey_rows() == before
    # The trigger did fire after the survey, its responses and two observations were written.
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM fault_rows")
        assert cursor.fetchone()[0] == 3


ORGANISATIONS = "\n".join(
    [
        "name,domain,kernen,description,website,public_email,public_phone,kvk_number,contribution,status,is_signal_handler",
        "Bibliotheek Westland,kunst-en-cultuur,naaldwijk,Boeken,,,,,,,nee",
        "Buurthuis De Lier,zorg-en-welzijn,de-lier,Ontmoeting,,,,,,,nee",
        "Sportclub Monster,sport-en-bewegen,monster,Bewegen,,,,,,,nee",
    ]
)


def test_an_admin_import_stores_nothing_when_the_database_refuses_the_second_row(client, administrator, settings):
    settings.PORTAL_ENFORCE_MFA = False
    client.force_login(administrator)
    upload = SimpleUploadedFile("partners.csv", ORGANISATIONS.encode(), content_type="text/csv")
    preview = client.post(
        "/admin/coalition/organisation/import/", {"resource": "0", "format": "0", "import_file": upload}
    )
    confirm_form = preview.context.get("confirm_form")
    assert confirm_form is not None, "the file itself is fine"
    before = (Organisation.objects.count(), OrganisationEvent.objects.count())
    refuse_the_nth_insert("coalition_organisation", 2)

    data = {name: confirm_form.initial.get(name, field.initial) for name, field in confirm_form.fields.items()}
    response = client.post("/admin/coalition/organisation/process_import/", data, follow=True)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any("Er is niets geïmporteerd" in message for message in messages), messages
    assert (Organisation.objects.count(), OrganisationEvent.objects.count()) == before
    assert not Organisation.objects.filter(name="Bibliotheek Westland").exists()


def test_a_background_reach_import_stores_nothing_when_the_database_refuses_a_row_of_its_batch(
    client, administrator, settings, celery_eager, django_capture_on_commit_callbacks
):
    """Reach reports are written in batches by a worker: a refused row fails the job, whole."""
    from coalition.models import ReachReport
    from coalition.tests.factories import InitiativeFactory
    from common.models import ImportJob

    settings.PORTAL_ENFORCE_MFA = False
    settings.PORTAL_BACKGROUND_IMPORT_ROWS = 2
    client.force_login(administrator)
    initiative = InitiativeFactory()
    lines = ["initiative,year,quarter,participants,new_participants,volunteers,meetings"]
    lines += [f"{initiative.pk},{2030 + n},1,20,5,3,12" for n in range(5)]
    upload = SimpleUploadedFile("bereik.csv", "\n".join(lines).encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/coalition/reachreport/import/", {"resource": "0", "format": "0", "import_file": upload})
    job = ImportJob.objects.get()
    assert job.status == "voorbeeld", job.error
    refuse_the_nth_insert("coalition_reachreport", 3)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/coalition/reachreport/import/taak/{job.pk}/", {"confirm": "1"})

    job.refresh_from_db()
    assert job.status == "mislukt"
    assert job.error.startswith("Het importeren is mislukt en er is niets opgeslagen.")
    assert not ReachReport.objects.exists()
    page = client.get(f"/admin/coalition/reachreport/import/taak/{job.pk}/").content.decode()
    assert "Het importeren is mislukt" in page
