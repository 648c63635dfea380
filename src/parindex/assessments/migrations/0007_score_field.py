"""Score.field: the leaf's top-level node, filled for the stored values, and the covering index
the results' sums per unit and field read (`results.selectors.round_results`)."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Node = apps.get_model("frameworks", "Node")
    Score = apps.get_model("assessments", "Score")
    top: dict[int, int] = {}
    for pk, parent in Node.objects.order_by("framework_id", "position") \
            .values_list("pk", "parent_id"):
        top[pk] = pk if parent is None else top[parent]
    by_top: dict[int, list[int]] = {}
    for node in Score.objects.values_list("node_id", flat=True).distinct():
        by_top.setdefault(top[node], []).append(node)
    for field, nodes in by_top.items():
        Score.objects.filter(node_id__in=nodes).update(field_id=field)


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0006_fill_score_points"),
        ("frameworks", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="score", name="field",
            field=models.ForeignKey(null=True, db_index=False, on_delete=django.db.models
                                    .deletion.PROTECT, related_name="+", to="frameworks.node",
                                    verbose_name="field"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="score", name="field",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="frameworks.node",
                                    verbose_name="field"),
        ),
        migrations.AddIndex(
            model_name="score",
            index=models.Index(fields=["round", "stage", "unit", "field", "points"],
                               name="score_sums"),
        ),
    ]
