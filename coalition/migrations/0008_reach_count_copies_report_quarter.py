import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_from_reports(apps, schema_editor):
    ReachCount = apps.get_model("coalition", "ReachCount")
    ReachReport = apps.get_model("coalition", "ReachReport")
    report = ReachReport.objects.filter(pk=OuterRef("report_id"))
    ReachCount.objects.update(
        **{name: Subquery(report.values(name)[:1]) for name in ("initiative_id", "year", "quarter", "is_demo")}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coalition", "0007_social_map_order_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="reachcount", name="reach_count_report_idx"),
        migrations.AddField(
            model_name="reachcount",
            name="initiative",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="coalition.initiative",
            ),
        ),
        migrations.AddField(
            model_name="reachcount",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="year"),
        ),
        migrations.AddField(
            model_name="reachcount",
            name="quarter",
            field=models.PositiveSmallIntegerField(editable=False, null=True, verbose_name="quarter"),
        ),
        migrations.AddField(
            model_name="reachcount",
            name="is_demo",
            field=models.BooleanField(default=False, editable=False, verbose_name="demo data"),
        ),
        migrations.RunPython(copy_from_reports, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="reachcount",
            name="initiative",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="coalition.initiative",
            ),
        ),
        migrations.AlterField(
            model_name="reachcount",
            name="year",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="year"),
        ),
        migrations.AlterField(
            model_name="reachcount",
            name="quarter",
            field=models.PositiveSmallIntegerField(editable=False, verbose_name="quarter"),
        ),
        migrations.AddIndex(
            model_name="reachcount",
            index=models.Index(
                fields=["year", "quarter"],
                include=("age_group", "participants", "is_demo", "initiative"),
                name="reach_count_quarter_idx",
            ),
        ),
    ]
