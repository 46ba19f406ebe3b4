"""Demo signals in every state, labelled demo, with and without consent.

They are filed and handled through the real workflow (signals.services) by the demo
medewerker and opvolger, so the history looks like the real thing. The residents are
fictitious ("Demo-inwoner …") and the data is marked ``is_demo``.
"""

import datetime

from django.utils import timezone

from coalition.models import AgeGroup, Initiative, Kern, Organisation

from . import services
from .models import ObservedSign, Outcome, RoutingRule, Signal

# token, kern, age group, signs, consent, share with provider, how far it got, outcome
SIGNALS = [
    ("demo-1", "naaldwijk", "ouderen", ["recent-weduwe", "alleen-weinig-contact"], True, True, "new", None),
    ("demo-2", "monster", "ouderen", ["mobiliteit-gezondheid"], True, False, "taken", None),
    ("demo-3", "de-lier", "volwassenen", ["overbelaste-mantelzorger"], True, True, "contact", None),
    ("demo-4", "naaldwijk", "ouderen", ["zegt-eenzaam", "alleen-weinig-contact"], True, True, "referred", None),
    ("demo-5", "poeldijk", "volwassenen", ["geldzorgen"], True, False, "closed", "andere-hulp"),
    ("demo-6", "wateringen", "jongeren", ["recent-verhuisd", "zegt-eenzaam"], False, False, "new", None),
    ("demo-7", "s-gravenzande", "ouderen", ["taalbarriere"], True, False, "closed", "niet-bereikbaar"),
]


def _ensure_routing(handler: Organisation):
    RoutingRule.objects.get_or_create(is_default=True, defaults={"organisation": handler})


def _demo_details(token: str, kern: str, age: str, note: str) -> dict:
    """What every demo signal has: its token (loading twice adds nothing), village, age group and note."""
    return {
        "submission_token": token,
        "kern": Kern.objects.get(code=kern),
        "age_group": AgeGroup.objects.get(code=age),
        "note": note,
    }


def load(*, filer, filer_organisation, handler_user, handler_organisation) -> int:
    _ensure_routing(handler_organisation)
    created = 0
    referral_target = (
        Initiative.objects.published().filter(accepts_referrals=True, is_demo=True).order_by("title").first()
    )
    for index, (token, kern, age, signs, consent, share, stage, outcome) in enumerate(SIGNALS, start=1):
        if Signal.objects.filter(submission_token=token).exists():
            continue
        data = {
            **_demo_details(token, kern, age, "Demo: fictief signaal om het portaal te laten zien."),
            "consent": consent,
            "share_with_provider": share,
            "resident_name": f"Demo-inwoner {index}",
            "resident_phone": "0174 000 000",
            "preferred_contact": "telefoon",
            "preferred_time": "'s ochtends",
        }
        signal = services.file_signal(
            cleaned_data=data,
            signs=ObservedSign.objects.filter(code__in=signs),
            user=filer,
            organisation=filer_organisation,
        )
        Signal.objects.filter(pk=signal.pk).update(is_demo=True)
        created += 1
        if not consent or stage == "new":
            continue
        services.take(signal_id=signal.pk, actor=handler_user)
        if stage == "taken":
            continue
        services.log_contact(
            signal_id=signal.pk,
            actor=handler_user,
            date=timezone.localdate(),
            way="telefoon",
            note="Demo: telefonisch gesproken.",
        )
        if stage == "referred" and referral_target is not None:
            services.refer(signal_id=signal.pk, actor=handler_user, initiatives=[referral_target])
        if stage == "closed":
            services.close(signal_id=signal.pk, actor=handler_user, outcome=Outcome.objects.get(code=outcome))
    created += _load_public()
    # One overdue signal so the queue shows what "te laat" looks like.
    Signal.objects.filter(submission_token="demo-1").update(
        first_contact_due=timezone.localdate() - datetime.timedelta(days=2)
    )
    return created


# token, about themselves, kern, age group, signs: the two kinds of public report.
PUBLIC_SIGNALS = [
    ("demo-publiek-1", False, "honselersdijk", "ouderen", ["alleen-weinig-contact"]),
    ("demo-publiek-2", True, "kwintsheul", "volwassenen", ["recent-verhuisd", "zegt-eenzaam"]),
]


def _load_public() -> int:
    created = 0
    for token, about_self, kern, age, signs in PUBLIC_SIGNALS:
        if Signal.objects.filter(submission_token=token).exists():
            continue
        data = {
            **_demo_details(token, kern, age, "Demo: fictieve melding via het openbare formulier."),
            "resident_whereabouts": "" if about_self else "Demo: de flat boven de bakker, 2e verdieping.",
            "reporter_name": "Demo-melder",
            "reporter_phone": "0174 000 001",
            "reporter_email": "demo-melder@example.org",
        }
        signal, _created = services.file_public_signal(
            cleaned_data=data, signs=ObservedSign.objects.filter(code__in=signs), about_self=about_self
        )
        Signal.objects.filter(pk=signal.pk).update(is_demo=True)
        created += 1
    return created
