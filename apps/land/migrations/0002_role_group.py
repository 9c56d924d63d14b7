"""The 资源规划 group (issue 15 Common): city and district natural-resources staff."""

from django.db import migrations

GROUP = "资源规划"


def forwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("land", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, backwards)]
