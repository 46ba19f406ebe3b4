"""allauth's e-mails (address verification, password reset, security notices) go through
the portal's outbox like every other e-mail: queued with the change, retried while the
mail server is away, visible to a beheerder when they fail. A sign-up or a password
reset therefore never fails because mail is down (docs/adr/0008)."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.sites.shortcuts import get_current_site

from common import crypto, outbox


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        base = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**base, **context})
        outbox.queue(
            f"account.{template_prefix.rsplit('/', 1)[-1]}",
            subject=message.subject,
            body=message.body,
            address=email,
            # A verification or reset link signs a person in: kept only until it is sent.
            forget_body=True,
        )

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Failed sign-ins are counted per account *and* address (ACCOUNT_RATE_LIMITS
        "login_failed"): one address cannot guess on, and nobody elsewhere can lock a
        person out of their account by failing on purpose. Guessing from many addresses
        meets the per-address limit, the password rules and, for every role that sees
        residents' data, the second factor (docs/security.md)."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"


class MFAAdapter(DefaultMFAAdapter):
    """Second-factor secrets (the TOTP key, the recovery codes' seed) are encrypted at rest
    with the keys that protect residents' data: a database backup alone holds no one's
    second factor (docs/security.md). ``rotate_encryption`` re-encrypts them too."""

    # Which value of an authenticator's data allauth passes through encrypt(), by type.
    SECRET_KEYS = {"totp": "secret", "recovery_codes": "seed"}

    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)
