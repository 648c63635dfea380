"""Fill Score.points for the values stored before the column existed, with the engine."""

from django.db import migrations

from parindex.engine.framework import framework_from_dict
from parindex.engine.values import parse_value, stored_points
from parindex.frameworks.selectors import framework_dict


def forwards(apps, schema_editor):
    Framework = apps.get_model("frameworks", "Framework")
    Node = apps.get_model("frameworks", "Node")
    Score = apps.get_model("assessments", "Score")
    # Only frameworks that hold values: a framework still being written may not be valid yet.
    scored = Score.objects.values("node__framework_id")
    for model in Framework.objects.filter(pk__in=scored).select_related("unit_group"):
        nodes = list(Node.objects.filter(framework=model).order_by("position"))
        leaves = framework_from_dict(framework_dict(model, nodes)).leaves()
        by_pk = {node.pk: leaves[node.code] for node in nodes if node.code in leaves}
        batch = []
        for score in Score.objects.filter(node__framework=model).only("node_id", "value") \
                .iterator(chunk_size=5000):
            leaf = by_pk[score.node_id]
            score.points = stored_points(leaf, parse_value(leaf, score.value))
            batch.append(score)
            if len(batch) == 5000:
                Score.objects.bulk_update(batch, ["points"])
                batch = []
        Score.objects.bulk_update(batch, ["points"])


class Migration(migrations.Migration):

    dependencies = [("assessments", "0005_score_points")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
