"""Move the round histories into the one change log (parindex.history), row for row."""

from django.db import migrations

# What each kind of change changed, as the change log names the field.
FIELDS = {"evidence": "file", "request": "question", "explanation": "answer",
          "state": "state", "assignment": "appraiser"}


def _side(field, value):
    return {field: value} if value else {}


def forwards(apps, schema_editor):
    Old = apps.get_model("assessments", "Change")
    New = apps.get_model("history", "Change")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Sheet = apps.get_model("assessments", "Sheet")
    Round = apps.get_model("assessments", "Round")
    sheet_type = ContentType.objects.get_or_create(app_label="assessments", model="sheet")[0]
    round_type = ContentType.objects.get_or_create(app_label="assessments", model="round")[0]
    rounds = dict(Round.objects.values_list("pk", "name"))
    sheets = {pk: f"{rounds[r]} · {u}" for pk, r, u in
              Sheet.objects.values_list("pk", "round_id", "unit__name")}
    batch = []
    for old in Old.objects.order_by("at", "pk").iterator(chunk_size=2000):
        field = old.stage if old.kind in ("score", "note") and old.stage else (
            FIELDS.get(old.kind, old.kind))
        on_sheet = old.sheet_id is not None
        batch.append(New(
            at=old.at, actor_id=old.user_id, action=old.kind,
            object_type=sheet_type if on_sheet else round_type,
            object_id=old.sheet_id if on_sheet else old.round_id,
            object_repr=(sheets[old.sheet_id] if on_sheet else rounds[old.round_id])[:200],
            part=old.node_code, scope_type=round_type, scope_id=old.round_id,
            before=_side(field, old.old), after=_side(field, old.new), reason=old.reason,
        ))
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("assessments", "0002_assessment_cycle"),
        ("history", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="Change"),
    ]
