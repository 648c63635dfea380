"""Move the commendation history into the one change log (parindex.history), row for row."""

from django.db import migrations


def forwards(apps, schema_editor):
    Old = apps.get_model("awards", "AwardChange")
    New = apps.get_model("history", "Change")
    ContentType = apps.get_model("contenttypes", "ContentType")
    campaign_type = ContentType.objects.get_or_create(app_label="awards", model="campaign")[0]
    types, names = {}, {}
    for model in ("campaign", "nomination", "decision", "award", "proposalrule"):
        types[model] = ContentType.objects.get_or_create(app_label="awards", model=model)[0]
        rows = apps.get_model("awards", model).objects.all()
        names[model] = {pk: str(n) for pk, n in rows.values_list(
            "pk", "number" if model == "decision" else "pk" if model == "proposalrule" else "name")}
    batch = []
    for old in Old.objects.order_by("at", "pk").iterator(chunk_size=2000):
        changes = old.changes or {}
        batch.append(New(
            at=old.at, actor_id=old.user_id, action=old.action,
            object_type=types.get(old.model) or ContentType.objects.get_or_create(
                app_label="awards", model=old.model)[0],
            object_id=old.object_id,
            object_repr=names.get(old.model, {}).get(old.object_id, f"#{old.object_id}")[:200],
            scope_type=campaign_type if old.campaign_id else None, scope_id=old.campaign_id,
            before={f: pair[0] for f, pair in changes.items() if pair[0] is not None},
            after={f: pair[1] for f, pair in changes.items() if pair[1] is not None},
            reason=old.reason,
        ))
        if len(batch) >= 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


class Migration(migrations.Migration):

    dependencies = [
        ("awards", "0004_nomination_withdrawn"),
        ("history", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.DeleteModel(name="AwardChange"),
    ]
