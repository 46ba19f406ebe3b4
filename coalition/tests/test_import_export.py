"""Spreadsheet import and export in the admin: preview with errors per row, all or
nothing, reference data by code, CSV and XLSX, formulas escaped on export, access."""

import csv
import io

import openpyxl
import pytest
import tablib
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from import_export.tmp_storages import CacheStorage

from coalition.constants import InitiativeStatus, OrganisationStatus
from coalition.models import Initiative, InitiativeChange, Organisation, OrganisationEvent, ReachReport
from coalition.resources import InitiativeResource, OrganisationResource, ReachReportResource
from coalition.tests.factories import (
    InitiativeFactory,
    MembershipFactory,
    OrganisationFactory,
    ReachReportFactory,
    UserFactory,
)
from common.spreadsheets import FORMULA_PREFIXES

pytestmark = pytest.mark.django_db

CSV_FORMAT, XLSX_FORMAT = "0", "1"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ORGANISATION_HEADER = (
    "name,domain,kernen,description,website,public_email,public_phone,kvk_number,contribution,status,is_signal_handler"
)
GOOD_ORGANISATION = 'Bibliotheek Westland,kunst-en-cultuur,"naaldwijk, de-lier",Boeken en ontmoeting,https://bibliotheek.example,info@bibliotheek.example,0174 123 456,12345678,Leesclub voor ouderen,,nee'
BAD_ORGANISATION = "Kapsalon Knip,ondernemers,monster,,,,0174 654 321,1234,,,nee"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_ENFORCE_MFA = False


@pytest.fixture
def superuser_client(client, administrator):
    client.force_login(administrator)
    # Messages in English, so the assertions read as the code does.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def url(model, view):
    return reverse(f"admin:coalition_{model}_{view}")


def csv_upload(*lines, name="import.csv"):
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv")


def preview(client, model, upload, file_format=CSV_FORMAT):
    response = client.post(url(model, "import"), {"resource": "0", "format": file_format, "import_file": upload})
    assert response.status_code == 200
    return response


def confirm(client, model, response):
    """Press "Confirm import" on a preview page."""
    confirm_form = response.context["confirm_form"]
    data = {name: confirm_form.initial.get(name, field.initial) for name, field in confirm_form.fields.items()}
    return client.post(url(model, "process_import"), data)


def import_through_admin(client, model, upload, file_format=CSV_FORMAT):
    response = preview(client, model, upload, file_format)
    assert response.context.get("confirm_form") is not None, response.context["result"].invalid_rows
    response = confirm(client, model, response)
    assert response.status_code == 302
    return response


def export_through_admin(client, model, resource_class, file_format=CSV_FORMAT):
    prefix = resource_class.__name__.lower()
    data = {"resource": "0", "format": file_format}
    data.update({f"{prefix}_{name}": "on" for name in resource_class().get_export_order()})
    response = client.post(url(model, "export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def messages_of(response):
    return [str(message) for message in response.wsgi_request._messages]


# (1) The preview shows each row's errors and stores nothing.


def test_preview_shows_the_error_of_each_row_and_stores_nothing(superuser_client):
    response = preview(
        superuser_client,
        "organisation",
        csv_upload(ORGANISATION_HEADER, GOOD_ORGANISATION, BAD_ORGANISATION, "Buurthuis,wonen,atlantis,,,,,,,,ja"),
    )

    result = response.context["result"]
    assert [(row.number, sorted(row.error_dict)) for row in result.invalid_rows] == [
        (2, ["kvk_number"]),
        (3, ["kernen"]),
    ]
    assert response.context.get("confirm_form") is None
    content = response.content.decode()
    assert "A KvK number has exactly eight digits." in content
    assert "Unknown village code: atlantis." in content
    assert not Organisation.objects.filter(name__in=["Bibliotheek Westland", "Kapsalon Knip", "Buurthuis"]).exists()
    assert not OrganisationEvent.objects.exists()


def test_preview_of_a_valid_file_offers_the_import_and_stores_nothing(superuser_client):
    response = preview(superuser_client, "organisation", csv_upload(ORGANISATION_HEADER, GOOD_ORGANISATION))

    assert response.context["confirm_form"] is not None
    assert [row.import_type for row in response.context["result"].valid_rows()] == ["new"]
    assert not Organisation.objects.filter(name="Bibliotheek Westland").exists()


def test_preview_reports_phone_choice_and_reference_errors_per_field(superuser_client):
    response = preview(
        superuser_client,
        "initiative",
        csv_upload(
            "organisation,title,description,kind,age_groups,kernen,frequency,contact_name,contact_phone,is_free,start_date",
            f"{OrganisationFactory().name},Koffie,Samen koffie,ontmoeting,ouderen,naaldwijk,wekelijks,Fatima,0174 123 456,ja,1-3-2026",
            "Onbekende partner,Wandelen,Samen lopen,wandelen,senioren,monster,soms,,bel me,misschien,03/31/2026",
        ),
    )

    result = response.context["result"]
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert sorted(invalid.error_dict) == [
        "age_groups",
        "contact_name",
        "contact_phone",
        "frequency",
        "is_free",
        "kind",
        "organisation",
        "start_date",
    ]
    assert "There is no organisation with name “Onbekende partner”." in invalid.error_dict["organisation"]
    assert "Enter ja or nee (or 1 or 0)." in invalid.error_dict["is_free"]
    # Day first, as Dutch spreadsheets write dates.
    assert any(">2026-03-01<" in cell for cell in result.valid_rows()[0].diff)
    assert not Initiative.objects.exists()


# (2) A real import in which one row fails stores nothing at all.


def test_a_real_import_with_one_failing_row_stores_nothing(superuser_client):
    # The confirm step normally follows a clean preview; post it directly with a file
    # that fails (as when the data changed in between) to test the real import.
    storage = CacheStorage()
    storage.save(f"{ORGANISATION_HEADER}\n{GOOD_ORGANISATION}\n{BAD_ORGANISATION}\n".encode())

    response = superuser_client.post(
        url("organisation", "process_import"),
        {"import_file_name": storage.name, "original_file_name": "partners.csv", "format": CSV_FORMAT, "resource": "0"},
    )

    assert response.status_code == 302
    assert response.url == url("organisation", "import")
    assert messages_of(response) == ["Nothing was imported: row 2 has errors. Upload the file again to see them."]
    assert not Organisation.objects.filter(name__in=["Bibliotheek Westland", "Kapsalon Knip"]).exists()
    assert not OrganisationEvent.objects.exists()
    assert not LogEntry.objects.exists()


def test_the_resources_roll_back_every_row_when_one_fails(administrator):
    initiative = InitiativeFactory()
    dataset = tablib.Dataset(
        [initiative.pk, 2026, 1, 10, 2, 1, 4],
        [initiative.pk, 2026, 2, 10, 12, 1, 4],  # more new participants than participants
        headers=["initiative", "year", "quarter", "participants", "new_participants", "volunteers", "meetings"],
    )

    result = ReachReportResource().import_data(dataset, dry_run=False, use_transactions=False, user=administrator)

    assert [row.number for row in result.invalid_rows] == [2]
    assert not ReachReport.objects.exists()


# (3) A valid import creates the rows, with many-to-many fields by code.


def test_importing_organisations_creates_them_pending_with_villages_by_code(superuser_client, administrator):
    import_through_admin(superuser_client, "organisation", csv_upload(ORGANISATION_HEADER, GOOD_ORGANISATION))

    organisation = Organisation.objects.get(name="Bibliotheek Westland")
    assert organisation.domain.code == "kunst-en-cultuur"
    assert sorted(organisation.kernen.values_list("code", flat=True)) == ["de-lier", "naaldwijk"]
    assert organisation.kvk_number == "12345678"
    assert organisation.public_phone == "0174 123 456"
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.is_signal_handler is False
    event = organisation.events.get()
    assert (event.actor, event.to_status) == (administrator, OrganisationStatus.PENDING)
    assert LogEntry.objects.filter(object_id=str(organisation.pk)).exists()


def test_importing_initiatives_by_organisation_name_and_codes_keeps_their_history(superuser_client, administrator):
    organisation = OrganisationFactory(name="Welzijn Westland")
    existing = InitiativeFactory(organisation=organisation, title="Oud")

    import_through_admin(
        superuser_client,
        "initiative",
        csv_upload(
            "id,organisation,title,description,kind,age_groups,kernen,frequency,contact_name,is_free,cost,start_date,status",
            ",Welzijn Westland,Wandelclub,Elke week samen wandelen,activiteit,ouderen;volwassenen,monster,wekelijks,Piet,nee,"
            "2.50,2026-03-01,actief",
            f"{existing.pk},Welzijn Westland,Nieuw,{existing.description},ontmoeting,ouderen,naaldwijk,wekelijks,"
            "Fatima de Vries,ja,,,",
        ),
    )

    created = Initiative.objects.get(title="Wandelclub")
    assert created.organisation == organisation
    assert sorted(created.age_groups.values_list("code", flat=True)) == ["ouderen", "volwassenen"]
    assert list(created.kernen.values_list("code", flat=True)) == ["monster"]
    assert (created.is_free, str(created.cost), str(created.start_date)) == (False, "2.50", "2026-03-01")
    assert created.status == InitiativeStatus.ACTIVE
    existing.refresh_from_db()
    # An empty status leaves the stored one.
    assert (existing.title, existing.status) == ("Nieuw", InitiativeStatus.ACTIVE)
    change = InitiativeChange.objects.get(initiative=existing)
    assert change.changed_by == administrator
    assert change.changes == {"title": ["Oud", "Nieuw"]}
    assert InitiativeChange.objects.filter(initiative=created, changed_by=administrator).exists()


def test_importing_reach_reports_updates_the_quarter_it_names(superuser_client, administrator):
    report = ReachReportFactory(year=2026, quarter=1, participants=20)
    header = "initiative,year,quarter,participants,new_participants,volunteers,meetings"

    import_through_admin(
        superuser_client,
        "reachreport",
        csv_upload(header, f"{report.initiative_id},2026,1,25,5,3,12", f"{report.initiative_id},2026,2,30,4,3,13"),
    )

    assert ReachReport.objects.count() == 2
    report.refresh_from_db()
    assert (report.participants, report.reported_by) == (25, administrator)
    assert ReachReport.objects.get(quarter=2).participants == 30


def _queries_reading(captured, table):
    """The statements that read whole rows of ``table`` (not the existence checks of validation)."""
    return [q["sql"] for q in captured if q["sql"].startswith(f'SELECT "{table}"."id"')]


def test_a_reach_import_reads_initiatives_and_stored_reports_once_not_per_row(administrator):
    initiatives = InitiativeFactory.create_batch(3)
    stored = ReachReportFactory(initiative=initiatives[0], year=2026, quarter=1, participants=20)
    rows = [(i.pk, 2026, quarter, 10 + quarter, 1, 1, 2) for i in initiatives for quarter in (1, 2, 3, 4)]
    dataset = tablib.Dataset(
        *rows, headers=["initiative", "year", "quarter", "participants", "new_participants", "volunteers", "meetings"]
    )

    with CaptureQueriesContext(connection) as captured:
        result = ReachReportResource().import_data(dataset, dry_run=False, user=administrator)

    assert not result.has_errors() and not result.has_validation_errors()
    assert len(_queries_reading(captured, "coalition_initiative")) == 1
    assert len(_queries_reading(captured, "coalition_reachreport")) == 1
    assert ReachReport.objects.count() == 12
    stored.refresh_from_db()
    assert stored.participants == 11  # the stored quarter was found and updated, not added again
    assert [row.import_type for row in result.rows].count("update") == 1


def test_the_same_quarter_twice_in_one_file_is_one_report_with_the_last_figures(administrator):
    initiative = InitiativeFactory()
    dataset = tablib.Dataset(
        (initiative.pk, 2026, 3, 40, 4, 2, 6),
        (initiative.pk, 2026, 3, 45, 5, 2, 6),
        headers=["initiative", "year", "quarter", "participants", "new_participants", "volunteers", "meetings"],
    )

    result = ReachReportResource().import_data(dataset, dry_run=False, user=administrator)

    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "update"]
    assert list(ReachReport.objects.values_list("participants", flat=True)) == [45]


def test_an_unknown_initiative_among_known_ones_is_still_an_error_of_its_row(administrator):
    initiative = InitiativeFactory()
    dataset = tablib.Dataset(
        (initiative.pk, 2026, 1, 40, 4, 2, 6),
        (initiative.pk + 1000, 2026, 1, 45, 5, 2, 6),
        headers=["initiative", "year", "quarter", "participants", "new_participants", "volunteers", "meetings"],
    )

    with translation.override("nl"):
        result = ReachReportResource().import_data(dataset, dry_run=False, user=administrator)

    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert f"“{initiative.pk + 1000}”" in str(invalid.error_dict["initiative"])
    assert not ReachReport.objects.exists()  # all or nothing


def test_a_semicolon_separated_file_from_dutch_excel_imports(superuser_client):
    import_through_admin(
        superuser_client,
        "organisation",
        csv_upload("name;domain;kernen", "Sportclub Monster;sport-en-bewegen;monster,ter-heijde"),
    )

    organisation = Organisation.objects.get(name="Sportclub Monster")
    assert sorted(organisation.kernen.values_list("code", flat=True)) == ["monster", "ter-heijde"]


def test_an_import_never_changes_a_status_or_signal_handler_role(superuser_client):
    approved = OrganisationFactory(name="Gemeente Westland", status=OrganisationStatus.APPROVED)

    response = preview(
        superuser_client,
        "organisation",
        csv_upload(
            "name,domain,status,is_signal_handler",
            "Gemeente Westland,gemeente,afgewezen,ja",
            "Nieuwe partner,gemeente,goedgekeurd,nee",
            "Gemeente Westland,gemeente,,",
        ),
    )

    assert [(row.number, sorted(row.error_dict)) for row in response.context["result"].invalid_rows] == [
        (1, ["is_signal_handler", "status"]),
        (2, ["status"]),
    ]
    approved.refresh_from_db()
    assert (approved.status, approved.is_signal_handler) == (OrganisationStatus.APPROVED, False)

    # Unchanged (or empty) values pass and leave the decisions as they are.
    import_through_admin(
        superuser_client, "organisation", csv_upload("name,domain,status", "Gemeente Westland,gemeente,")
    )
    approved.refresh_from_db()
    assert approved.status == OrganisationStatus.APPROVED


# (4) XLSX works both ways.


def test_an_xlsx_file_imports(superuser_client):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["name", "domain", "kernen", "kvk_number", "public_phone", "is_signal_handler", "description"])
    sheet.append(["Zorgcentrum De Bloem", "zorg-en-welzijn", "wateringen", 87654321, "+31 174 000 111", False, None])
    # An empty but formatted row below the data, as spreadsheets often have.
    sheet["A4"].font = openpyxl.styles.Font(bold=True)
    upload = io.BytesIO()
    workbook.save(upload)

    import_through_admin(
        superuser_client,
        "organisation",
        SimpleUploadedFile("partners.xlsx", upload.getvalue(), content_type=XLSX_TYPE),
        file_format=XLSX_FORMAT,
    )

    organisation = Organisation.objects.get(name="Zorgcentrum De Bloem")
    assert (organisation.kvk_number, organisation.public_phone) == ("87654321", "+31 174 000 111")
    assert list(organisation.kernen.values_list("code", flat=True)) == ["wateringen"]
    assert organisation.description == ""


def test_an_xlsx_export_imports_back_unchanged(superuser_client):
    # Dates, amounts, empty numbers and yes/no stay typed cells in XLSX (a global
    # IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT would turn them into text such as "None").
    InitiativeFactory(cost="2.50", start_date="2026-01-05", max_participants=None, is_free=False)
    content = export_through_admin(superuser_client, "initiative", InitiativeResource, file_format=XLSX_FORMAT)

    response = preview(
        superuser_client,
        "initiative",
        SimpleUploadedFile("initiatives.xlsx", content, content_type=XLSX_TYPE),
        file_format=XLSX_FORMAT,
    )

    result = response.context["result"]
    assert not result.invalid_rows
    assert [row.import_type for row in result.valid_rows()] == ["skip"], [r.diff for r in result.valid_rows()]


def test_empty_rows_below_the_data_are_skipped(administrator):
    organisation = OrganisationFactory()
    dataset = tablib.Dataset(
        [
            None,
            organisation.name,
            "Koffie",
            "Samen koffie",
            "ontmoeting",
            "ouderen",
            "naaldwijk",
            "wekelijks",
            "Fatima",
        ],
        [None] * 9,
        ["", " ", "", "", "", "", "", "", ""],
        headers=[
            "id",
            "organisation",
            "title",
            "description",
            "kind",
            "age_groups",
            "kernen",
            "frequency",
            "contact_name",
        ],
    )

    result = InitiativeResource().import_data(dataset, user=administrator)

    assert not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["new", "skip", "skip"]
    assert Initiative.objects.get().title == "Koffie"


# (5) Exports escape anything a spreadsheet would run as a formula.

FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def formula_organisations():
    return [
        OrganisationFactory(name=f"Partner {number}" if number else FORMULAS[0], description=formula)
        for number, formula in enumerate(FORMULAS)
    ]


def _assert_no_cell_starts_a_formula(rows):
    for row in rows:
        for cell in row:
            assert not (isinstance(cell, str) and cell.startswith(FORMULA_PREFIXES)), row


def test_csv_export_escapes_formulas(superuser_client, formula_organisations):
    content = export_through_admin(superuser_client, "organisation", OrganisationResource)

    assert b'"\'=HYPERLINK(""http://evil"",""x"")"' in content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    _assert_no_cell_starts_a_formula(rows)
    descriptions = {row[0]: row[rows[0].index("description")] for row in rows[1:]}
    assert descriptions["'" + FORMULAS[0]] == "'" + FORMULAS[0]
    assert descriptions["Partner 2"] == "'-2+3"
    assert descriptions["Partner 3"] == "'@SUM(A1:A2)"


def test_xlsx_export_escapes_formulas(superuser_client, formula_organisations):
    content = export_through_admin(superuser_client, "organisation", OrganisationResource, file_format=XLSX_FORMAT)

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    rows = list(sheet.iter_rows(values_only=True))
    _assert_no_cell_starts_a_formula(rows)
    assert "'" + FORMULAS[0] in {row[0] for row in rows}


def test_an_escaped_export_imports_back_unchanged(superuser_client, formula_organisations):
    content = export_through_admin(superuser_client, "organisation", OrganisationResource)

    response = preview(superuser_client, "organisation", SimpleUploadedFile("export.csv", content))

    result = response.context["result"]
    assert not result.invalid_rows
    assert [row.import_type for row in result.valid_rows()] == ["skip"] * len(FORMULAS)
    assert Organisation.objects.get(description="@SUM(A1:A2)").name == "Partner 3"


def test_initiative_and_reach_exports_escape_formulas(superuser_client):
    initiative = InitiativeFactory(title="=1+1", contact_phone="+31 174 123 456")
    ReachReportFactory(initiative=initiative)

    initiatives = list(
        csv.reader(io.StringIO(export_through_admin(superuser_client, "initiative", InitiativeResource).decode()))
    )
    reports = list(
        csv.reader(io.StringIO(export_through_admin(superuser_client, "reachreport", ReachReportResource).decode()))
    )

    _assert_no_cell_starts_a_formula(initiatives + reports)
    assert initiatives[1][initiatives[0].index("title")] == "'=1+1"
    assert reports[1][reports[0].index("initiative_title")] == "'=1+1"


# (6) Only administrators with the model permissions reach these pages.

ADMIN_PAGES = [
    (model, view) for model in ("organisation", "initiative", "reachreport") for view in ("import", "export")
]


@pytest.mark.parametrize(("model", "view"), ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, model, view):
    response = client.get(url(model, view))
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize(("model", "view"), ADMIN_PAGES)
def test_partners_and_officers_without_admin_access_are_turned_away(client, model, view):
    for user in (MembershipFactory().user, UserFactory(is_officer=True)):
        client.force_login(user)
        response = client.get(url(model, view))
        assert response.status_code == 302
        assert "login" in response.url


@pytest.mark.parametrize(("model", "view"), ADMIN_PAGES)
def test_staff_without_the_model_permissions_get_403(client, model, view):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(url(model, view)).status_code == 403


@pytest.mark.parametrize("model", ["organisation", "initiative", "reachreport"])
def test_staff_who_may_only_view_can_export_but_not_import(client, model):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(staff)

    assert client.get(url(model, "export")).status_code == 200
    assert client.get(url(model, "import")).status_code == 403
    response = client.post(url(model, "import"), {"format": CSV_FORMAT, "import_file": csv_upload("name")})
    assert response.status_code == 403


@pytest.mark.parametrize(("model", "view"), ADMIN_PAGES)
def test_superusers_reach_import_and_export(superuser_client, model, view):
    response = superuser_client.get(url(model, view))
    assert response.status_code == 200
    assert [label for value, label in response.context["form"].fields["format"].choices if value] == ["csv", "xlsx"]


@pytest.mark.parametrize("model", ["organisation", "initiative", "reachreport"])
def test_the_admin_pages_of_the_three_models_open(superuser_client, model):
    report = ReachReportFactory()
    obj = {"organisation": report.initiative.organisation, "initiative": report.initiative, "reachreport": report}[
        model
    ]

    for page in (
        url(model, "changelist"),
        url(model, "add"),
        reverse(f"admin:coalition_{model}_change", args=[obj.pk]),
    ):
        assert superuser_client.get(page).status_code == 200, page


def test_adding_an_organisation_in_the_admin_starts_its_history_as_pending(superuser_client, administrator):
    response = superuser_client.post(
        url("organisation", "add"),
        {
            "name": "Nieuwe partner",
            "domain": OrganisationFactory().domain_id,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(name="Nieuwe partner")
    assert organisation.status == OrganisationStatus.PENDING
    assert organisation.events.get().actor == administrator


def test_editing_an_initiative_in_the_admin_keeps_its_history(superuser_client, administrator):
    initiative = InitiativeFactory(title="Oud")
    page = superuser_client.get(reverse("admin:coalition_initiative_change", args=[initiative.pk]))
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data.update(
        {
            "title": "Nieuw",
            "organisation": initiative.organisation_id,
            "age_groups": [group.pk for group in initiative.age_groups.all()],
            "kernen": [kern.pk for kern in initiative.kernen.all()],
            "cost": "",
            "max_participants": "",
            "start_date": "",
            "end_date": "",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        }
    )
    data = {key: value for key, value in data.items() if value is not None and value is not False}

    response = superuser_client.post(reverse("admin:coalition_initiative_change", args=[initiative.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    change = InitiativeChange.objects.get(initiative=initiative)
    assert (change.changed_by, change.changes) == (administrator, {"title": ["Oud", "Nieuw"]})
