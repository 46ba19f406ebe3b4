"""``make load``: the portal under load, production-like, on its own database.

1. (Re)creates the database ``westland_load`` (LOAD_DATABASE_URL; its name must contain
   "load"), migrates and seeds it (seed.py): development data is never touched. It
   refuses to start while another process is connected to it (someone else's run).
   Redis and the mail server are the run's own (faults.py): a redis-server and an SMTP
   server on free ports, so that the fault phase can stop and refuse them.
2. Starts gunicorn (DEBUG off, as production), a Celery worker and beat against them.
3. Runs locust headless for LOAD_SECONDS (60) with LOAD_USERS (50) simulated people:
   35 medewerkers filing signals through /signalen/nieuw/, each with an account of their
   own; 10 residents on the social map; 5 beleidsmedewerkers on /monitor/ with TOTP.
   Meanwhile the fault phase (LOAD_FAULTS=0 leaves it out) stops Redis for a sixth of
   the run and starts it again empty, then lets the mail server refuse (451) as long.
4. Prints requests, errors and p50/p95 latency per page, then compares the signals in
   the database with the filings locust saw succeed (a redirect to a new receipt page),
   and waits (LOAD_MAIL_WAIT, 300 s at most) until beat's retries have delivered every
   e-mail of the outbox, counted by the SMTP server itself.

The last line is ``PASS`` or ``FAIL`` with the figures: the bar is zero errors, zero lost
signals, and every e-mail delivered exactly once. Latency on a shared machine is only
informative.

allauth allows 30 sign-ins per minute per address. All simulated people sign in from
127.0.0.1 within seconds, which in production would be as many addresses, so this run
raises that one limit (ACCOUNT_LOGIN_RATE_LIMIT) and says so; the limits on failed
sign-ins stay as they are.
"""

import csv
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import faults

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
LOAD_VENV = Path(os.environ.get("LOAD_VENV", ROOT / ".venv-load"))
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/westland_load")
FAULTS = os.environ.get("LOAD_FAULTS", "1") not in ("0", "false", "no")
MAIL_WAIT = int(os.environ.get("LOAD_MAIL_WAIT", "300"))
PORT = int(os.environ.get("LOAD_PORT", "8765"))
USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
WEB_WORKERS = os.environ.get("LOAD_WEB_WORKERS", "4")
LOGIN_RATE_LIMIT = os.environ.get("LOAD_LOGIN_RATE_LIMIT", "600/m/ip")
FILERS, OFFICERS = 35 * USERS // 50, max(1, 5 * USERS // 50)
STARTED_AT = None  # when the load began, by the database's clock


def log(message):
    print(message, flush=True)


def environment(work, redis_url, email_url):
    from cryptography.fernet import Fernet

    site = f"http://127.0.0.1:{PORT}"
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": site,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "westland-load",
        "EMAIL_URL": email_url,
        "STATIC_ROOT": str(work / "static"),
        "ACCOUNT_LOGIN_RATE_LIMIT": LOGIN_RATE_LIMIT,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "westland.settings",
    }


def recreate_database():
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    if "load" not in name:
        sys.exit(f"LOAD_DATABASE_URL names {name!r}: the load test only uses a database named *load*.")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        others = connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()[0]
        if others:
            sys.exit(f"{others} connection(s) to database {name!r}: another load run? Stop it first.")
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def start(command, env, logfile):
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=logfile, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def wait_until_healthy():
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=5) as response:  # noqa: S310  # nosec B310 - our own http URL
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("The portal did not become healthy within 60 seconds.")


def database_counts(numbers):
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        signals = connection.execute("SELECT count(*) FROM signals_signal").fetchone()[0]
        missing = 0
        if numbers:
            ids = [int(number) for number in numbers]
            found = connection.execute("SELECT count(*) FROM signals_signal WHERE id = ANY(%s)", [ids]).fetchone()[0]
            missing = len(ids) - found
        # Every e-mail of this database, the demo content's too: the SMTP server is the run's
        # own, so it must have received each of them exactly once.
        emails = dict(connection.execute("SELECT status, count(*) FROM common_email GROUP BY status").fetchall())
    return signals, missing, emails


def print_stats(prefix):
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))
    log("")
    log(f"{'page':<40} {'requests':>9} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8}")
    total = errors = 0
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all pages"
        if row["Name"] == "Aggregated":
            total, errors = int(row["Request Count"]), int(row["Failure Count"])
            log("-" * 76)
        log(f"{name:<40} {row['Request Count']:>9} {row['Failure Count']:>7} {row['50%']:>8} {row['95%']:>8}")
    exceptions = list(csv.DictReader(open(f"{prefix}_exceptions.csv")))
    for row in exceptions:
        log(f"exception ({row['Count']}x): {row['Message']}")
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv")))
    for row in failures[:10]:
        log(f"failure ({row['Occurrences']}x) {row['Method']} {row['Name']}: {row['Error'][:200]}")
    return total, errors + sum(int(row["Count"]) for row in exceptions)


def main():
    global STARTED_AT
    if not (LOAD_VENV / "bin" / "locust").exists():
        sys.exit(f"locust is not installed in {LOAD_VENV}: run `make load`, which installs requirements-load.txt.")
    work = Path(tempfile.mkdtemp(prefix="westland-load-"))
    redis = faults.Redis(open(work / "redis.log", "w")).start()  # noqa: SIM115
    smtp = faults.SMTP().start()
    env = environment(work, redis.url, smtp.url)
    log(f"Load test: {USERS} simulated people for {SECONDS} s against http://127.0.0.1:{PORT}")
    log(f"database {DATABASE_URL} (recreated), Redis {redis.url} and SMTP {smtp.url} of its own, logs in {work}")
    log(
        f"Note: allauth's sign-in limit per address is raised to {LOGIN_RATE_LIMIT} for this run, because all "
        f"{FILERS + OFFICERS} accounts sign in from 127.0.0.1 at once (in production: as many addresses); "
        "the limits on failed sign-ins are unchanged."
    )
    recreate_database()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    accounts = work / "accounts.json"
    subprocess.run(
        [PYTHON, "benchmarks/load/seed.py", "--filers", str(FILERS), "--officers", str(OFFICERS), "--out", accounts],
        cwd=ROOT,
        env=env,
        check=True,
    )
    import psycopg

    with psycopg.connect(DATABASE_URL) as connection:
        STARTED_AT = connection.execute("SELECT now()").fetchone()[0]
        signals_before = connection.execute("SELECT count(*) FROM signals_signal").fetchone()[0]

    processes = []
    try:
        processes.append(
            start(
                [str(ROOT / ".venv/bin/gunicorn"), "westland.wsgi:application", "--bind", f"127.0.0.1:{PORT}"]
                + ["--workers", WEB_WORKERS, "--timeout", "60", "--access-logfile", "-"],
                env,
                open(work / "gunicorn.log", "w"),  # noqa: SIM115
            )
        )
        processes.append(
            start(
                [str(ROOT / ".venv/bin/celery"), "-A", "westland", "worker", "--concurrency=2", "--loglevel=WARNING"],
                env,
                open(work / "celery.log", "w"),  # noqa: SIM115
            )
        )
        processes.append(
            start(
                [str(ROOT / ".venv/bin/celery"), "-A", "westland", "beat", "--loglevel=WARNING"]
                + ["--schedule", str(work / "celerybeat-schedule")],
                env,
                open(work / "beat.log", "w"),  # noqa: SIM115
            )
        )
        wait_until_healthy()
        result = work / "result.json"
        prefix = str(work / "locust")
        locust_env = {**os.environ, "LOAD_ACCOUNTS": str(accounts), "LOAD_RESULT": str(result)}
        phase = faults.Phase(redis, smtp, SECONDS, log)
        if FAULTS:
            log("Fault phase during the run:")
            phase.start()
        subprocess.run(
            [str(LOAD_VENV / "bin/locust"), "-f", str(ROOT / "benchmarks/load/locustfile.py"), "--headless"]
            + ["--users", str(USERS), "--spawn-rate", "25", "--run-time", f"{SECONDS}s"]
            + ["--host", f"http://127.0.0.1:{PORT}", "--csv", prefix, "--only-summary", "--loglevel", "WARNING"]
            + ["--stop-timeout", "15", "--exit-code-on-error", "0"],
            cwd=ROOT,
            env=locust_env,
            check=True,
            stdout=open(work / "locust.log", "w"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
        )
        phase.join(SECONDS)
        filed = json.loads(result.read_text())
        requests_made, errors = print_stats(prefix)
        # Locust's CSV misses what finished while the users stopped: count from the listener too.
        requests_made = max(requests_made, filed["requests"])
        errors = max(errors, filed["failures"] + filed["exceptions"])

        # Every filing is in the database, and beat's retries deliver every e-mail of the outbox.
        log(f"Waiting (at most {MAIL_WAIT} s) until the outbox has delivered what the run queued …")
        deadline = time.monotonic() + MAIL_WAIT
        while True:
            signals, missing, emails = database_counts(filed["numbers"])
            if not emails.get("wacht") or time.monotonic() > deadline:
                break
            time.sleep(2)
    finally:
        for process in reversed(processes):
            stop(process)
        smtp.stop()
        redis.stop()

    stored = signals - signals_before
    queued = sum(emails.values())
    delivered, failed, waiting = emails.get("verstuurd", 0), emails.get("mislukt", 0), emails.get("wacht", 0)
    received = len(smtp.accepted)
    log("")
    log(f"filings that got a receipt: {filed['filed']} ({filed['distinct']} distinct signals)")
    log(f"signals stored during the run: {stored}; receipts whose signal is not in the database: {missing}")
    log(
        f"e-mails queued: {queued}; marked sent: {delivered}; received by the SMTP server: {received} "
        f"(refused while it refused: {smtp.refused}); failed: {failed}; still waiting: {waiting}"
    )
    ok = (
        errors == 0
        and filed["filed"] > 0
        and stored == filed["filed"] == filed["distinct"]
        and missing == 0
        and queued > 0
        and delivered == queued == received
        and failed == 0
    )
    verdict = "PASS" if ok else "FAIL"
    log(
        f"{verdict}: {requests_made} requests, {errors} errors, {filed['filed']} signals filed, {stored} stored, "
        f"{filed['filed'] - stored} lost; e-mails {queued} queued, {received} delivered, {failed} failed"
        + (" (with a Redis restart and a refusing mail server)" if FAULTS else " (no fault phase)")
    )
    shutil.rmtree(work / "static", ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
