"""The business types every kabupaten starts with (kube.vocab.DEFAULT_BUSINESS_TYPES); a Dinas Sosial adds more."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from pendamping.kube.vocab import DEFAULT_BUSINESS_TYPES

    BusinessType = apps.get_model("kube", "BusinessType")
    for code, name, kind in DEFAULT_BUSINESS_TYPES:
        BusinessType.objects.get_or_create(area_code="", code=code, defaults={"name": name, "kind": str(kind)})


class Migration(migrations.Migration):
    dependencies = [("kube", "0001_initial")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
