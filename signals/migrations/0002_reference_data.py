"""Observed signs and outcomes as docs/design.md lists them ("Reference data"); officers may edit them later."""

from django.db import migrations

SIGNS = [
    ("recent-weduwe", "Recent weduwe of weduwnaar geworden"),
    ("alleen-weinig-contact", "Woont alleen en heeft weinig contacten"),
    ("mobiliteit-gezondheid", "Beperkte mobiliteit of gezondheid"),
    ("geldzorgen", "Geldzorgen of schulden"),
    ("taalbarriere", "Taalbarrière"),
    ("recent-verhuisd", "Recent verhuisd"),
    ("overbelaste-mantelzorger", "Overbelaste mantelzorger"),
    ("zegt-eenzaam", "Zegt zich eenzaam te voelen"),
    ("anders", "Anders"),
]

OUTCOMES = [
    ("deelname", "Neemt deel aan een activiteit"),
    ("andere-hulp", "Andere hulp"),
    ("geen-behoefte", "Geen behoefte"),
    ("niet-bereikbaar", "Niet bereikbaar"),
    ("dubbel", "Dubbel signaal"),
    ("alleen-registratie", "Alleen registratie (geen toestemming voor contact)"),
]


def load(apps, schema_editor):
    ObservedSign = apps.get_model("signals", "ObservedSign")
    Outcome = apps.get_model("signals", "Outcome")
    SignalSettings = apps.get_model("signals", "SignalSettings")
    for position, (code, name) in enumerate(SIGNS, start=1):
        ObservedSign.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    for position, (code, name) in enumerate(OUTCOMES, start=1):
        Outcome.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    SignalSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
