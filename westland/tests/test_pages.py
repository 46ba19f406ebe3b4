"""Every public page answers in the portal's layout, in Dutch by default, with one <h1>."""

import re

import pytest
from django.urls import reverse

PUBLIC_PAGES = [
    "/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


def h1_count(response):
    return len(re.findall(rb"<h1[\s>]", response.content))


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_one_h1_and_speak_dutch(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert b'<html lang="nl">' in response.content
    assert "Naar de hoofdinhoud" in response.content.decode()  # the skip link


@pytest.mark.django_db
def test_home_shows_goals_and_the_twelve_domains(client):
    response = client.get("/")
    text = response.content.decode()
    assert "Eén tegen eenzaamheid Westland" in text
    assert "van 8% naar 4%" in text
    for domain in ["Schulden en armoede", "Geloofsgemeenschappen", "Financiële sector"]:
        assert domain in text


@pytest.mark.django_db
def test_allauth_pages_are_dutch_in_the_portal_layout(client):
    text = client.get("/accounts/login/").content.decode()
    assert "Inloggen" in text
    assert "utrecht-page-header" in text
    assert 'class="utrecht-textbox' in text


@pytest.mark.django_db
def test_english_is_available(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    text = client.get("/").content.decode()
    assert '<html lang="en">' in text
    assert "One against loneliness Westland" in text
    assert "Skip to main content" in text


@pytest.mark.django_db
def test_not_found_page_in_portal_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Pagina niet gevonden" in text
    assert h1_count(response) == 1
    assert "utrecht-page-footer" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("handler", "status", "title"),
    [
        ("bad_request", 400, "Ongeldig verzoek"),
        ("permission_denied", 403, "Geen toegang"),
        ("page_not_found", 404, "Pagina niet gevonden"),
    ],
)
def test_error_pages_in_portal_layout(rf, handler, status, title):
    from django.contrib.auth.models import AnonymousUser

    from westland import views

    request = rf.get("/")
    request.user = AnonymousUser()
    response = getattr(views, handler)(request, exception=None)
    assert response.status_code == status
    assert title in response.content.decode()
    assert h1_count(response) == 1


def test_server_error_page_renders_without_database(rf):
    from westland import views

    response = views.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Er is iets misgegaan" in response.content.decode()
    assert h1_count(response) == 1
