"""What every form must do with hostile input, checked the same way for each form.

A form case is a URL, a signed-in client, a valid payload, the fields to spoil and a
snapshot of what the form may change. :func:`check_submission` posts one spoiled
payload and asserts:

- never a server error (the test client re-raises any exception a view lets escape);
- accepted (a redirect): fine, the value was acceptable; any error message the next
  page shows (a view that refuses with a message and a redirect) is Dutch;
- refused (the form again, 200): at least one error message is shown, beside a field
  or in the error summary, and every message is Dutch; the snapshot is unchanged, so
  nothing of the refused submission was stored.

Adding a form to the property tests is a few lines: a fixture that signs in and
returns a :class:`FormCase` (see ``signals/tests/test_bad_input.py``).
"""

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import django
import polib
from django.conf import settings
from django.db import transaction

# Each example runs in a savepoint that is rolled back, so examples do not see each
# other's rows; the counts before and after are taken inside it.
ROLLBACK = object()

ERROR_BLOCKS = [
    # The portal's own form fields and the error summary at the top of a form.
    re.compile(r'class="utrecht-form-field-error-message"[^>]*>(.*?)</div>', re.S),
    re.compile(r'id="error-summary".*?<ul[^>]*>(.*?)</ul>', re.S),
    # The Django admin and django-import-export.
    re.compile(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', re.S),
    re.compile(r'<li class="import-error-li">(.*?)</li>', re.S),
    re.compile(r'<ul class="validation-error-list">(.*?)</ul>\s*</div>', re.S),
    # Messages after a redirect: the portal's and the admin's.
    re.compile(r'class="utrecht-alert utrecht-alert--(?:error|warning)"><p[^>]*>(.*?)</p>', re.S),
    re.compile(r'<li class="error">(.*?)</li>', re.S),
    # The public intake's refusal (honeypot, too fast, rate limit), shown with the answers kept.
    re.compile(r'id="intake-refusal">(.*?)</div>\s*</div>', re.S),
]
# The innermost paragraphs and list items of an error block.
ITEM = re.compile(r"<(p|li)\b[^>]*>((?:(?!<li\b|<p\b).)*?)</\1>", re.S)
TAG = re.compile(r"<[^>]+>")

# Words that give an untranslated English message away (Dutch text does not use them).
ENGLISH_WORDS = re.compile(
    r"\b(the|this field|enter a|ensure|select a valid|must be|please|characters|is required|not allowed|cannot|"
    r"contain|fields?|invalid|value|should)\b",
    re.I,
)
# And a Dutch message has at least one of these words.
DUTCH_WORDS = re.compile(
    r"\b(de|het|een|is|niet|geen|van|in|of|en|te|dit|deze|die|er|zijn|bij|voor|met|op|vul|voer|kies|geef|rij|"
    r"bestand|waarde|maximaal|minstens|moet|mag|kan|onbekende?)\b",
    re.I,
)
# django-import-export puts the line number before a row's error.
LINE_PREFIX = re.compile(r"^Regel ?nummer: \d+ - ")


@dataclass
class FormCase:
    """A form page and what it may change."""

    url: str
    client: object
    valid: dict
    fields: list[str]
    # A value that must stay the same when the form refuses a submission (row counts,
    # the edited row's values).
    snapshot: Callable[[], object]
    # Called before each example: fresh tokens, for example.
    prepare: Callable[[dict], dict] = field(default=lambda data: data)


def error_messages(content: str) -> list[str]:
    """The error messages on a page, as text."""
    messages = []
    for pattern in ERROR_BLOCKS:
        for block in pattern.findall(content):
            items = [item for _tag, item in ITEM.findall(block)] or [block]
            for item in items:
                text = html.unescape(TAG.sub(" ", item))
                text = " ".join(text.split())
                if text:
                    messages.append(text)
    return messages


def _catalogues():
    import import_export

    yield Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    yield Path(django.__file__).parent / "conf" / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    yield Path(django.__file__).parent / "contrib" / "admin" / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    yield Path(import_export.__file__).parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def _pattern(msgid: str):
    parts = re.split(r"%(?:\(\w+\))?[sdfr]|\{\w*\}", msgid)
    # Anchored at the end only: the admin puts a line number or column name before it.
    return re.compile(".*?".join(re.escape(" ".join(part.split())) for part in parts) + r"\Z", re.S)


@functools.cache
def english_messages():
    """Patterns of every English message that has a Dutch translation (or should have one)."""
    patterns = []
    for path in _catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or entry.msgid_plural:
                continue
            if entry.msgstr == entry.msgid or len(entry.msgid) < 12:
                continue  # the same in both languages, or too short to tell
            patterns.append(_pattern(entry.msgid))
    return patterns


def assert_dutch(message: str):
    # A message may repeat a hostile value of 100,000 characters: its own words are at the
    # start and the end, and the patterns' .*? would take ages on the whole of it.
    if len(message) > 600:
        message = message[:300] + " … " + message[-300:]
    text = LINE_PREFIX.sub("", message)
    assert not ENGLISH_WORDS.search(text), f"an English error message: {message!r}"
    assert DUTCH_WORDS.search(text), f"not a Dutch error message: {message!r}"
    for pattern in english_messages():
        assert not pattern.search(message), f"an untranslated error message: {message!r}"


def assert_refused_in_dutch(response):
    content = response.content.decode()
    assert '<html lang="nl"' in content, "the page is not in Dutch"
    messages = error_messages(content)
    assert messages, f"the form was refused without an error message: {content[:2000]}"
    for message in messages:
        assert_dutch(message)
    return messages


def check_submission(case: FormCase, data: dict):
    """Post ``data`` to the case's form and check the properties in the module docstring."""
    with transaction.atomic():
        data = case.prepare(data)
        before = case.snapshot()
        response = case.client.post(case.url, data)
        # A refused form answers 200, or 400 where the page says so (the public intake).
        assert response.status_code in (200, 302, 400), f"{case.url} answered {response.status_code}"
        if response.status_code in (200, 400):
            assert_refused_in_dutch(response)
            assert case.snapshot() == before, "a refused submission changed stored data"
        else:
            following = case.client.get(response["Location"])
            assert following.status_code == 200
            for message in error_messages(following.content.decode()):
                assert_dutch(message)
        transaction.set_rollback(True)
    return response


def assert_valid_is_accepted(case: FormCase):
    """The case's valid payload is accepted: so a refusal in the property test is the spoiled field's doing."""
    with transaction.atomic():
        before = case.snapshot()
        response = case.client.post(case.url, case.prepare(dict(case.valid)))
        assert response.status_code == 302, error_messages(response.content.decode()) or response.status_code
        assert case.snapshot() != before, "the valid payload changed nothing"
        transaction.set_rollback(True)


def check_import(client, admin_url, upload, file_format, snapshot):
    """Upload a file to a django-import-export admin import, confirm it when the preview
    allows, and check: no server error; a refused file shows Dutch errors and stores
    nothing; a preview stores nothing; a confirmed import says in Dutch when it fails."""
    with transaction.atomic():
        before = snapshot()
        response = client.post(admin_url + "import/", {"resource": "0", "format": file_format, "import_file": upload})
        assert response.status_code == 200
        assert snapshot() == before, "the preview stored something"
        confirm_form = response.context.get("confirm_form")
        if confirm_form is None:
            assert_refused_in_dutch(response)
        else:
            data = {name: confirm_form.initial.get(name, f.initial) for name, f in confirm_form.fields.items()}
            response = client.post(admin_url + "process_import/", data)
            assert response.status_code == 302
            following = client.get(response["Location"])
            messages = error_messages(following.content.decode())
            for message in messages:
                assert_dutch(message)
            if messages:
                assert snapshot() == before, "a refused import stored something"
        transaction.set_rollback(True)
    return response
