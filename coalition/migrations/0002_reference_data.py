"""Reference data from the seed text: the twelve domains, the eleven kernen and the four
age groups. Loaded by migration so that it exists without demo data.

The data is written out here, not imported from the application: a migration must keep
doing what it did when it was written. ``load`` is idempotent (update_or_create by
``code``); the root conftest.py calls it again after a test flushes the database.
"""

from django.db import migrations

# (code, name, examples), in the seed's order.
DOMAINS = [
    ("gemeente", "Gemeente", "algemeen en vanuit alle domeinen"),
    ("zelforganisaties", "Zelforganisaties", "ouderenbonden, cliënten- en patiëntenorganisaties"),
    ("ondernemers", "Ondernemers", "supermarkten, kappers, notarissen"),
    ("integratie", "Integratie", "asielzoekerscentra, Vluchtelingenwerk, reclassering"),
    ("schulden-en-armoede", "Schulden en armoede", "kredietbank, incassobureaus, schuldhulpverlening"),
    ("zorg-en-welzijn", "Zorg en welzijn", "inclusief vrijgevestigde (para)medici"),
    ("wonen", "Wonen", "woningcorporaties en bouw"),
    ("kunst-en-cultuur", "Kunst en cultuur", "openbare bibliotheken, centra voor de kunsten"),
    ("geloofsgemeenschappen", "Geloofsgemeenschappen", ""),
    ("sport-en-bewegen", "Sport en bewegen", "sportscholen en -verenigingen"),
    ("onderwijs", "Onderwijs", "primair, voortgezet en hoger onderwijs"),
    ("financiele-sector", "Financiële sector", "banken, verzekeraars, lokale en regionale goededoelenfondsen"),
]

# (code, name): the eleven kernen of the municipality of Westland.
KERNEN = [
    ("naaldwijk", "Naaldwijk"),
    ("s-gravenzande", "'s-Gravenzande"),
    ("de-lier", "De Lier"),
    ("monster", "Monster"),
    ("wateringen", "Wateringen"),
    ("poeldijk", "Poeldijk"),
    ("honselersdijk", "Honselersdijk"),
    ("kwintsheul", "Kwintsheul"),
    ("maasdijk", "Maasdijk"),
    ("heenweg", "Heenweg"),
    ("ter-heijde", "Ter Heijde"),
]

# (code, name, min_age, max_age). The seed writes "19-65" and "boven de 65"; the portal
# uses 19–64 and 65+.
AGE_GROUPS = [
    ("jongeren", "Jongeren (12–18)", 12, 18),
    ("volwassenen", "Volwassenen (19–64)", 19, 64),
    ("ouderen", "Ouderen (65+)", 65, None),
    ("onbekend", "Onbekend", None, None),
]


def load(apps, schema_editor):
    Domain = apps.get_model("coalition", "Domain")
    Kern = apps.get_model("coalition", "Kern")
    AgeGroup = apps.get_model("coalition", "AgeGroup")
    for position, (code, name, examples) in enumerate(DOMAINS, start=1):
        Domain.objects.update_or_create(code=code, defaults={"name": name, "examples": examples, "position": position})
    for position, (code, name) in enumerate(KERNEN, start=1):
        Kern.objects.update_or_create(code=code, defaults={"name": name, "position": position})
    for position, (code, name, min_age, max_age) in enumerate(AGE_GROUPS, start=1):
        AgeGroup.objects.update_or_create(
            code=code, defaults={"name": name, "position": position, "min_age": min_age, "max_age": max_age}
        )


class Migration(migrations.Migration):
    dependencies = [("coalition", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
