"""The account journey in real Chromium: sign up, confirm the e-mail address, sign in, set up TOTP.

Every page on the way must pass axe (no serious or critical violation) and have one <h1>.
"""

import re
import time

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "nieuwe.partner@voorbeeld.nl"
PASSWORD = "Zonnebloem-Naaldwijk-2028!"
CONFIRM_PATH = re.compile(r"/accounts/confirm-email/[^/\s]+/")
SUBMIT = "main form button[type=submit]"


# Text squeezed into a too narrow box breaks inside words ("Onthou/den"): a text node
# of ordinary words must not need more lines than it has words. Long words (e-mail
# addresses, URLs) may wrap anywhere and are left out.
BROKEN_WORDS_JS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const words = node.textContent.trim().split(/\\s+/).filter(Boolean);
    if (!words.length || words.some((word) => word.length > 16)) continue;
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    if (lines > words.length) broken.push(`${node.parentElement.tagName}: ${node.textContent.trim()}`);
  }
  return broken;
}"""


def _assert_no_broken_words(page):
    broken = page.evaluate(BROKEN_WORDS_JS)
    assert not broken, f"text on {page.url} breaks inside words: {broken}"


def fresh_totp_code(secret):
    """A code that stays valid until the server checks it: allauth accepts only the current
    30-second window, so never type a code in the last few seconds of one."""
    totp = pyotp.TOTP(secret)
    remaining = totp.interval - time.time() % totp.interval
    if remaining < 5:
        time.sleep(remaining + 0.5)
    return totp.now()


def _path(page, live_server):
    return page.url.removeprefix(live_server.url).split("?")[0]


def test_sign_up_confirm_sign_in_and_activate_totp(live_server, page, assert_accessible, celery_eager):
    # allauth's e-mail goes through the outbox; eager Celery delivers it in this process.
    # 1. Sign up.
    page.goto(f"{live_server.url}/accounts/signup/")
    assert_accessible(page)
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/accounts/confirm-email/")
    assert_accessible(page)

    # 2. Confirm the address through the link in the e-mail.
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    assert mail.outbox[0].to == [EMAIL]
    match = CONFIRM_PATH.search(mail.outbox[0].body)
    assert match, mail.outbox[0].body
    page.goto(f"{live_server.url}{match.group(0)}")
    assert_accessible(page)
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    user = get_user_model().objects.get(email=EMAIL)
    assert user.emailaddress_set.get(email=EMAIL).verified

    # 3. Sign in.
    page.fill("#id_login", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/")
    assert_accessible(page)
    assert page.locator(".westland-user").inner_text() == EMAIL

    # 4. Activate TOTP; allauth asks for the password once more first.
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    assert _path(page, live_server) == "/accounts/reauthenticate/"
    assert_accessible(page)
    page.fill("#id_password", PASSWORD)
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    assert_accessible(page)
    secret = page.input_value("#authenticator_secret")
    assert secret
    page.fill("#id_code", fresh_totp_code(secret))
    page.click(SUBMIT)
    page.wait_for_url(f"{live_server.url}/accounts/2fa/recovery-codes/")
    assert_accessible(page)
    assert page.locator("#recovery_codes").input_value().strip()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_small_screen_has_no_horizontal_scroll(live_server, page, assert_accessible, path):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server.url}{path}")
    _assert_fits_small_screen(page)
    assert_accessible(page)
    if path == "/accounts/login/":
        # The error state too: the error summary and the field errors must fit as well.
        page.click(SUBMIT)
        page.wait_for_selector("#error-summary")
        _assert_fits_small_screen(page)
        assert_accessible(page)


def _assert_fits_small_screen(page):
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"{page.url} scrolls sideways at 360px: scrollWidth is {scroll_width}"
    _assert_no_broken_words(page)
