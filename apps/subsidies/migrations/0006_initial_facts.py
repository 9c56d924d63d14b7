"""Initial dated facts from the rows on record (issue 10 §2): each beneficiary's county and
城乡 status and each university's student count, known "from the start" (自始, 1900-01), so
every month computed so far keeps the values it used."""

import datetime as dt

from django.db import migrations

ALWAYS = dt.date(1900, 1, 1)


def forward(apps, schema_editor):
    # One INSERT … SELECT each: a million beneficiaries migrate in seconds.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO subsidies_beneficiaryfact (beneficiary_id, from_month, region_id, residence) "
            "SELECT id, %s, region_id, residence FROM subsidies_beneficiary", [ALWAYS])
        cursor.execute(
            "INSERT INTO subsidies_universityfact (university_id, from_month, students) "
            "SELECT id, %s, students FROM subsidies_university", [ALWAYS])


def backward(apps, schema_editor):
    apps.get_model("subsidies", "BeneficiaryFact").objects.all().delete()
    apps.get_model("subsidies", "UniversityFact").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0005_dated_facts_and_stale")]
    operations = [migrations.RunPython(forward, backward)]
