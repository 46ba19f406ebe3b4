"""/signaal-doorgeven/: any resident shares a concern about someone, or asks for company
for themselves, in three steps and without an account.

The steps are server-rendered (they work without JavaScript): each POST carries the
answers of the other steps as hidden fields, validates all steps up to the current one
again and shows the next. Nothing is stored until the last step is sent, and then only
through services.file_public_signal.

Abuse is kept out without hurting people: no CAPTCHA, but a honeypot field, a minimum
time between opening the form and sending it, and a rate limit per IP address in the
shared cache (allauth's limiter, so the same client-IP rules as the sign-in apply).
A refused submission keeps the answers and says in plain Dutch what to do."""

import secrets

from allauth.core import ratelimit
from django.conf import settings
from django.core import signing
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from .. import services
from ..constants import Source
from ..forms_public import ABOUT_SELF, STEPS, AboutForm, IntakeMetaForm, started_token
from ..models import Signal, SignalSettings

SENT_SALT = "signals.intake.sent"
PUBLIC_SOURCES = [Source.RESIDENT_OTHER, Source.RESIDENT_SELF]
RATE_LIMIT_ACTION = "public_intake"


def _value_copy(form):
    """An unbound copy of a bound form that shows what was typed but no errors yet."""
    initial = {name: form[name].value() for name in form.fields}
    return _build(type(form), None, about_self=getattr(form, "about_self", False), initial=initial)


def _build(form_class, data, *, about_self, initial=None):
    kwargs = {"initial": initial}
    if form_class is not AboutForm:
        kwargs["about_self"] = about_self
    form = form_class(data, **kwargs)
    form.about_self = about_self
    return form


@method_decorator(never_cache, name="dispatch")
class PublicIntakeView(View):
    template_name = "signals/public/intake.html"

    def get(self, request):
        return self.render(1, self._empty_forms(), self._fresh_meta())

    def post(self, request):
        data = request.POST
        meta = IntakeMetaForm(data)
        if not meta.is_valid():
            # Not sent by our page (or cut off): start again, without storing anything.
            refusal = _("The form was incomplete. Please start again.")
            return self.render(1, self._empty_forms(), self._fresh_meta(), refusal=refusal)
        step = self._step(data)
        about = AboutForm(data)
        about_self = about.is_valid() and about.cleaned_data["about"] == ABOUT_SELF
        forms = [about] + [_build(form_class, data, about_self=about_self) for form_class in STEPS[1:]]
        action = data.get("action")
        if action == "back":
            target = max(step - 1, 1)
            return self.render(target, [_value_copy(form) for form in forms], meta)
        # Every step up to the current one must be valid before the next is shown.
        for number, form in enumerate(forms[:step], start=1):
            if not form.is_valid():
                shown = [form if n == number else _value_copy(f) for n, f in enumerate(forms, start=1)]
                return self.render(number, shown, meta, status=400)
        if step < len(STEPS) or action != "send":
            return self.render(min(step + 1, len(STEPS)), [_value_copy(form) for form in forms], meta)
        return self.send(meta, forms, about_self)

    def send(self, meta, forms, about_self):
        # The refusals keep every answer on the page, so a person can simply try again.
        if meta.is_bot:
            return self.render(
                3,
                forms,
                meta.without_honeypot(),
                status=400,
                refusal=_("Your report could not be sent. Check your answers and send it again."),
            )
        open_for = meta.seconds_open()
        if open_for is None:  # expired, forged, or the start time of another form
            return self.render(
                3,
                forms,
                self._fresh_meta(),
                status=400,
                refusal=_(
                    "Your report was not sent: this form was opened too long ago. Check your answers and send it again."
                ),
            )
        if open_for < settings.PUBLIC_INTAKE_MIN_SECONDS:
            return self.render(
                3,
                forms,
                meta,
                status=400,
                refusal=_(
                    "Your report was not sent: it was sent very quickly after opening the form. "
                    "Check your answers and send it again."
                ),
            )
        token = meta.cleaned_data["submission_token"]
        already = (
            Signal.objects.filter(submission_token=token, source__in=PUBLIC_SOURCES)
            .values_list("number", flat=True)
            .first()
        )
        if already:  # the same page sent twice: nothing new is filed
            return self.sent(already)
        if not ratelimit.consume(self.request, action=RATE_LIMIT_ACTION):
            return self.render(
                3,
                forms,
                meta,
                status=429,
                refusal=_(
                    "Many reports were sent from this internet connection in a short time, so this one was "
                    "not sent. Please try again later."
                ),
            )
        cleaned = {"submission_token": token}
        for form in forms:
            cleaned.update(form.cleaned_data)
        signal, _created = services.file_public_signal(
            cleaned_data=cleaned, signs=cleaned.get("signs", []), about_self=about_self
        )
        return self.sent(signal.number)

    def sent(self, number):
        # Signed, not encrypted: the address (browser history, proxy logs) holds the number only.
        ref = signing.dumps(number, salt=SENT_SALT)
        return redirect(f"{reverse('intake:sent')}?ref={ref}")

    @staticmethod
    def _fresh_meta():
        """A newly opened form: its own submission token, and the moment it was opened."""
        token = secrets.token_urlsafe(24)
        return IntakeMetaForm(initial={"submission_token": token, "started": started_token(token)})

    @staticmethod
    def _empty_forms():
        return [AboutForm()] + [_build(form_class, None, about_self=False) for form_class in STEPS[1:]]

    @staticmethod
    def _step(data):
        try:
            return min(max(int(data.get("step", 1)), 1), len(STEPS))
        except (TypeError, ValueError):
            return 1

    def render(self, step, forms, meta, *, status=200, refusal=""):
        current = forms[step - 1]
        context = {
            "step": step,
            "steps": [form.title for form in forms],
            "step_count": len(STEPS),
            "form": current,
            "carried": [form for number, form in enumerate(forms, start=1) if number != step],
            "meta": meta,
            "about_self": getattr(current, "about_self", False),
            "refusal": refusal,
            "signal_settings": SignalSettings.current(),
        }
        return TemplateResponse(self.request, self.template_name, context, status=status)


class IntakeSentView(TemplateView):
    """The confirmation: what happens next, and the way to the social map."""

    template_name = "signals/public/sent.html"

    def get(self, request, *args, **kwargs):
        try:
            self.number = signing.loads(request.GET.get("ref", ""), salt=SENT_SALT, max_age=60 * 60 * 24)
        except signing.BadSignature:
            return redirect("intake:start")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "number": self.number,
            "signal_settings": SignalSettings.current(),
        }
