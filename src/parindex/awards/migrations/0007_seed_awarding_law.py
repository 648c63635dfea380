"""The law as parindex ships it: which level may give which form when, and the "Căn cứ" lines a
decision cites by its date. Data, edited in the admin when the law changes."""

from django.db import migrations

from parindex.awards.services import install_law


def seed(apps, schema_editor):
    install_law(apps.get_model("awards", "AwardingPower"), apps.get_model("awards", "LegalBasis"))


def unseed(apps, schema_editor):
    apps.get_model("awards", "AwardingPower").objects.all().delete()
    apps.get_model("awards", "LegalBasis").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("awards", "0006_awarding_authority")]
    operations = [migrations.RunPython(seed, unseed)]
