"""Reference data for signals: the observed signs and outcomes from docs/design.md (officers
may edit them later) and the one row of signal settings with its defaults.

The data is written out here, not imported from the application: a migration must keep
doing what it did when it was written. ``load`` is idempotent (update_or_create by
``code``, the settings row by its fixed pk 1); the root conftest.py calls it again after a
test flushes the database.
"""

from django.db import migrations

# (code, name), in the order a filer sees them.
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

# (code, name). "misbruik" is the outcome an opvolger chooses for a public report that was
# not a real concern; signals.constants.MISUSE holds the same code.
OUTCOMES = [
    ("deelname", "Neemt deel aan een activiteit"),
    ("andere-hulp", "Andere hulp"),
    ("geen-behoefte", "Geen behoefte"),
    ("niet-bereikbaar", "Niet bereikbaar"),
    ("dubbel", "Dubbel signaal"),
    ("alleen-registratie", "Alleen registratie (geen toestemming voor contact)"),
    ("misbruik", "Misbruik (geen echte melding)"),
]

# The settings row officers manage in the admin; its values are the fields' defaults.
SETTINGS_PK = 1


def load(apps, schema_editor):
    ObservedSign = apps.get_model("signals", "ObservedSign")
    Outcome = apps.get_model("signals", "Outcome")
    SignalSettings = apps.get_model("signals", "SignalSettings")
    for position, (code, name) in enumerate(SIGNS, start=1):
        ObservedSign.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    for position, (code, name) in enumerate(OUTCOMES, start=1):
        Outcome.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    # get_or_create: a settings row officers have changed keeps their values.
    SignalSettings.objects.get_or_create(pk=SETTINGS_PK)


class Migration(migrations.Migration):
    dependencies = [("signals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
