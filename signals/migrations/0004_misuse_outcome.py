"""The outcome an opvolger chooses for a public signal that is not a real concern."""

from django.db import migrations

MISUSE = "misbruik"


def load(apps, schema_editor):
    Outcome = apps.get_model("signals", "Outcome")
    last = Outcome.objects.order_by("-position").values_list("position", flat=True).first() or 0
    Outcome.objects.get_or_create(code=MISUSE, defaults={"name": "Misbruik (geen echte melding)", "position": last + 1})


class Migration(migrations.Migration):
    dependencies = [("signals", "0003_public_intake")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
