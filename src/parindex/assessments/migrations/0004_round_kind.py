"""Round.kind: rounds that have sheets are assessment rounds, the others results rounds."""

from django.db import migrations, models


def kinds_from_sheets(apps, schema_editor):
    Round = apps.get_model("assessments", "Round")
    Sheet = apps.get_model("assessments", "Sheet")
    with_sheets = Sheet.objects.values("round_id")
    Round.objects.filter(pk__in=with_sheets).update(kind="assessment")
    Round.objects.exclude(pk__in=with_sheets).update(kind="results")


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0003_change_log"),
    ]

    operations = [
        migrations.AddField(
            model_name="round",
            name="kind",
            field=models.CharField(
                choices=[
                    ("assessment", "Assessment round (a sheet for every unit)"),
                    ("results", "Results round (appraised scores imported)"),
                ],
                default="results", max_length=16, verbose_name="kind of round",
            ),
        ),
        migrations.RunPython(kinds_from_sheets, migrations.RunPython.noop),
    ]
