"""The status periods the 状态 filter reads (issue 13 §1), filled for existing documents
with the same rule the services use (``periods.derive``), set-wise in chunks."""

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 2000


def fill(apps, schema_editor):
    from apps.regulations.periods import Event, Link, derive

    Document = apps.get_model("regulations", "NormativeDocument")
    StatusEvent = apps.get_model("regulations", "StatusEvent")
    DocumentLink = apps.get_model("regulations", "DocumentLink")
    StatusPeriod = apps.get_model("regulations", "StatusPeriod")
    last = 0
    while True:
        docs = list(Document.objects.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", "date", "number_year")[:CHUNK])
        if not docs:
            return
        low, last = docs[0][0], docs[-1][0]
        events = {pk: [] for pk, _, _ in docs}
        links = {pk: [] for pk, _, _ in docs}
        for row in (StatusEvent.objects.filter(document_id__gte=low, document_id__lte=last,
                                               void__isnull=True)
                    .values_list("document_id", "id", "status", "effective_date", "cause",
                                 "deadline")):
            events[row[0]].append(Event(*row[1:]))
        for target, kind, effective in (DocumentLink.objects.filter(
                target_id__gte=low, target_id__lte=last, kind__in=["replaces", "amends"])
                .values_list("target_id", "kind", "effective_date")):
            links[target].append(Link(kind, effective))
        StatusPeriod.objects.bulk_create(
            [StatusPeriod(document_id=pk, status=p.status, valid_from=p.valid_from,
                          valid_to=p.valid_to)
             for pk, date, year in docs
             for p in derive(date=date, number_year=year, events=events[pk], links=links[pk])],
            batch_size=CHUNK)


class Migration(migrations.Migration):

    dependencies = [
        ('regulations', '0004_admin_list_order_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='StatusPeriod',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('in_force', '有效'), ('to_revise', '需修改'), ('repealed', '废止'), ('invalid', '失效'), ('not_yet_in_force', '尚未生效')], max_length=20, verbose_name='状态')),
                ('valid_from', models.DateField(help_text='含当日;0001-01-01 表示自某个不详的日期起', verbose_name='起始日期')),
                ('valid_to', models.DateField(help_text='不含当日;9999-12-31 表示至今仍然如此', verbose_name='截止日期')),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='periods', to='regulations.normativedocument', verbose_name='文件')),
            ],
            options={
                'verbose_name': '状态时段(推算)',
                'verbose_name_plural': '状态时段(推算)',
                'ordering': ['document', 'valid_from'],
                'indexes': [models.Index(fields=['status', 'valid_to', 'valid_from', 'document'], name='period_status_on_idx')],
                'constraints': [models.CheckConstraint(condition=models.Q(('valid_from__lt', models.F('valid_to'))), name='period_not_empty', violation_error_message='时段的起始日期必须早于截止日期')],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
