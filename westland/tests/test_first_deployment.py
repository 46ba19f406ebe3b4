"""The README's "First deployment", done as an operator would, on a database of its own
(PostgreSQL in CI, a SQLite file locally): ``migrate`` on an empty database,
``setup_portal`` with the production settings (DEBUG off), the e-mails with the one-time
links received by a real SMTP server, ``check --deploy`` failing until the Signaalpunt has
an opvolger, the beheerder's and the opvolger's first sign-in with TOTP set up as
enforced, and a signal filed by a partner's staff member in the opvolger's queue."""

import json
import re
import subprocess
import sys

import pytest

from westland.tests.deployment import own_database
from westland.tests.spare import SpareSMTP
from westland.tests.test_deploy_settings import BASE_DIR, manage, production_env

LINK = re.compile(r"http://testserver/accounts/password/reset/key/\S+/")


@pytest.fixture
def smtp():
    server = SpareSMTP()
    server.start()
    yield server
    server.stop()


def link_for(smtp, address) -> str:
    texts = [text for recipients, text in smtp.messages if address in recipients]
    assert len(texts) == 1, f"{len(texts)} e-mails to {address}"
    return LINK.search(texts[0]).group(0)


def test_from_an_empty_database_to_a_signal_in_the_opvolgers_queue(tmp_path, smtp):
    with own_database("_setup", tmp_path) as database_url:
        env = production_env(
            tmp_path,
            DATABASE_URL=database_url,
            # One process, tasks run inside it: the e-mails reach the SMTP server as the command commits.
            REDIS_URL="",
            PORTAL_SINGLE_PROCESS="true",
            EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}",
            SITE_URL="http://testserver",
            ALLOWED_HOSTS="testserver",
            STATICFILES_BACKEND="django.contrib.staticfiles.storage.StaticFilesStorage",
            PORTAL_ADMIN_EMAIL="it-beheer@westland.example",
        )
        migrated = manage(env, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr

        first = manage(env, "setup_portal", "--noinput")
        assert first.returncode == 0, first.stderr
        assert "Created: beheerder it-beheer@westland.example" in first.stdout
        assert "Signals would reach nobody yet" in first.stdout
        unstaffed = manage(env, "check", "--deploy")
        assert unstaffed.returncode != 0 and "portal.E001" in unstaffed.stderr

        staffed = manage(env, "setup_portal", "--noinput", "--handler-email", "opvolger@westland.example")
        assert staffed.returncode == 0, staffed.stderr
        assert "Created: opvolger opvolger@westland.example at Signaalpunt Westland" in staffed.stdout
        deploy_check = manage(env, "check", "--deploy")
        assert deploy_check.returncode == 0, deploy_check.stderr
        assert "portal.E" not in deploy_check.stderr

        # One e-mail each, with a link to choose a password; no password anywhere.
        assert len(smtp.messages) == 2
        admin_link = link_for(smtp, "it-beheer@westland.example")
        opvolger_link = link_for(smtp, "opvolger@westland.example")

        walked = subprocess.run(
            [sys.executable, "-m", "westland.tests.first_sign_in", admin_link, opvolger_link],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert walked.returncode == 0, walked.stderr[-5000:]
        seen = json.loads(walked.stdout.strip().splitlines()[-1])

    # The beheerder was sent to set up TOTP first (after confirming the password), then reached the admin.
    assert seen["admin_sent_to"][0] == "/accounts/2fa/totp/activate/"
    assert seen["admin_totp"] is True
    assert seen["admin_page"] == 200
    # The partner's signal went to the Signaalpunt, and its opvolger sees it and the resident's details.
    assert seen["handled_by"] == "Signaalpunt Westland"
    assert seen["queue"] == 200 and seen["in_queue"] is True
    assert seen["detail_shows_resident"] is True
