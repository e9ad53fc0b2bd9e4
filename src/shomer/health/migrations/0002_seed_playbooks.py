"""Seed one playbook per customer type from shomer.health.playbooks (managers edit them)."""

from django.db import migrations


def seed(apps, schema_editor):
    from shomer.health.playbooks import PLAYBOOKS

    Playbook = apps.get_model("health", "Playbook")
    for customer_type, texts in PLAYBOOKS.items():
        he, en = texts["he"], texts["en"]
        Playbook.objects.get_or_create(
            customer_type=customer_type,
            defaults={
                "works_he": he.works,
                "avoid_he": he.avoid,
                "choices_he": he.choices,
                "works_en": en.works,
                "avoid_en": en.avoid,
                "choices_en": en.choices,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
