"""Simulated people for ``make load`` (see run.py): medewerkers filing signals through the
staff form, residents reading the social map, and beleidsmedewerkers (with TOTP) on the
dashboard. Each simulated person has an account of their own (accounts.json from seed.py).

A filing counts as successful only when the form answers with a redirect to the receipt
page of a new signal; run.py compares that count with the signals in the database.
"""

import json
import os
import random
import re
import threading
import time
from pathlib import Path

import pyotp
from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
RESULT_FILE = Path(os.environ["LOAD_RESULT"])
RECEIPT = re.compile(r"/signalen/(\d+)/ontvangen/$")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')
AGE_GROUPS = re.compile(r'name="age_group" value="(\d+)"')
KERN_SELECT = re.compile(r'<select name="kern".*?</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
INITIATIVE = re.compile(r'href="(/activiteiten/\d+/)"')

_lock = threading.Lock()
_next = {"filers": 0, "officers": 0}
filed = {"ok": 0, "numbers": set()}
# Counted here as well as in locust's CSV, which is written before the last users stop.
counted = {"requests": 0, "failures": 0, "exceptions": 0}


def take_account(kind):
    with _lock:
        account = ACCOUNTS[kind][_next[kind] % len(ACCOUNTS[kind])]
        _next[kind] += 1
        return account


def csrf(html):
    match = CSRF.search(html)
    return match.group(1) if match else ""


def sign_in(user, account, totp_secret=None):
    page = user.client.get("/accounts/login/", name="/accounts/login/ [GET]")
    response = user.client.post(
        "/accounts/login/",
        {"login": account["email"], "password": account["password"], "csrfmiddlewaretoken": csrf(page.text)},
        name="/accounts/login/ [POST]",
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"sign-in of {account['email']} answered {response.status_code}")
    if totp_secret:
        page = user.client.get(response.headers["Location"], name="/accounts/2fa/authenticate/ [GET]")
        # As a person does with an authenticator app: a code about to expire is not typed in,
        # the next one is (allauth accepts only the current 30-second window).
        remaining = 30 - time.time() % 30
        if remaining < 10:
            time.sleep(remaining + 0.5)
        code = pyotp.TOTP(totp_secret).now()
        response = user.client.post(
            "/accounts/2fa/authenticate/",
            {"code": code, "csrfmiddlewaretoken": csrf(page.text)},
            name="/accounts/2fa/authenticate/ [POST]",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"TOTP of {account['email']} answered {response.status_code}")


class Medewerker(HttpUser):
    """Staff of a partner: opens the form, files a signal, sees the receipt."""

    weight = 35
    wait_time = between(1, 3)

    def on_start(self):
        sign_in(self, take_account("filers"))

    @task
    def file_a_signal(self):
        form = self.client.get("/signalen/nieuw/", name="/signalen/nieuw/ [GET]")
        if form.status_code != 200:
            return
        html = form.text
        kernen = OPTION.findall(KERN_SELECT.search(html).group(0))
        consent = random.random() < 0.6
        data = {
            "csrfmiddlewaretoken": csrf(html),
            "submission_token": TOKEN.search(html).group(1),
            "age_group": random.choice(AGE_GROUPS.findall(html)),
            "kern": random.choice(kernen),
            "note": "Lijkt veel alleen te zijn; load test.",
            "consent": "ja" if consent else "nee",
        }
        if consent:
            data |= {"resident_name": "Load Test", "resident_phone": "0174 123 456", "preferred_contact": "telefoon"}
        with self.client.post(
            "/signalen/nieuw/", data, name="/signalen/nieuw/ [POST]", allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "")
            match = RECEIPT.search(location)
            if response.status_code == 302 and match:
                response.success()
                with _lock:
                    filed["ok"] += 1
                    filed["numbers"].add(match.group(1))
            else:
                response.failure(f"no receipt: {response.status_code} {location}")
                return
        self.client.get(location, name="/signalen/<pk>/ontvangen/")


class Bezoeker(HttpUser):
    """A resident browsing the social map and the partner list (no account)."""

    weight = 10
    wait_time = between(1, 3)

    @task(4)
    def social_map(self):
        page = self.client.get("/activiteiten/", name="/activiteiten/")
        links = INITIATIVE.findall(page.text)
        if links:
            self.client.get(random.choice(links), name="/activiteiten/<pk>/")

    @task(2)
    def filtered_map(self):
        self.client.get("/activiteiten/?free=on&referrals=on", name="/activiteiten/?filters")

    @task(1)
    def partners(self):
        self.client.get("/partners/", name="/partners/")


class Beleidsmedewerker(HttpUser):
    """A municipality officer (TOTP) on the dashboard and its CSV downloads."""

    weight = 5
    wait_time = between(2, 5)

    def on_start(self):
        account = take_account("officers")
        sign_in(self, account, totp_secret=account["totp_secret"])

    @task(3)
    def dashboard(self):
        self.client.get("/monitor/", name="/monitor/")

    @task(1)
    def csv(self):
        self.client.get("/monitor/csv/signals-by-kern/", name="/monitor/csv/<chart>/")

    @task(1)
    def progress(self):
        self.client.get("/voortgang/", name="/voortgang/")


@events.request.add_listener
def count_request(exception=None, **kwargs):
    with _lock:
        counted["requests"] += 1
        if exception is not None:
            counted["failures"] += 1


@events.user_error.add_listener
def count_exception(**kwargs):
    with _lock:
        counted["exceptions"] += 1


@events.quit.add_listener
def write_result(**kwargs):
    # On quit, after every user stopped (test_stop comes before the last ones finish).
    with _lock:
        RESULT_FILE.write_text(
            json.dumps(
                {
                    "filed": filed["ok"],
                    "distinct": len(filed["numbers"]),
                    "numbers": sorted(filed["numbers"]),
                    **counted,
                }
            )
        )
