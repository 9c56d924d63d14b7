"""django-import-export resources for the admin import screen.

The import resources hand the whole file to ``imports.import_file`` so the admin screen
applies exactly the command's rules: exact headers, every bad row listed, nothing imported
on any error; the dry run (preview) rolls back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from import_export import fields, resources
from import_export.results import Result, RowResult

from apps.core import audit
from apps.core.resources import ResidentIdExportMixin
from apps.core.tabular import ImportRejected

from . import imports
from .models import Doctor


class _DryRun(Exception):
    def __init__(self, counts: dict):
        self.counts = counts


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def dataset_csv(dataset) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(h) for h in dataset.headers or []])
    for row in dataset:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


class _WholeFileImport(resources.Resource):
    kind = ""
    display_name = ""

    @classmethod
    def get_display_name(cls) -> str:
        return cls.display_name

    def get_user_visible_fields(self):
        return [fields.Field(column_name=h) for h in imports.HEADERS[self.kind]]

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None,
                    collect_failed_rows=False, rollback_on_validation_errors=False, **kwargs):
        result = Result()
        result.diff_headers = [_cell(h) for h in dataset.headers or []]
        try:
            with transaction.atomic():
                counts = imports.import_file(kind=self.kind, data=dataset_csv(dataset),
                                             filename="upload.csv", actor=kwargs.get("user"))
                if dry_run:
                    raise _DryRun(counts)
        except _DryRun as preview:
            counts = preview.counts
        except ImportRejected as exc:
            for error in exc.errors:
                index = error.line - 2
                values = (dict(zip(result.diff_headers, [_cell(v) for v in dataset[index]], strict=False))
                          if 0 <= index < len(dataset) else {})
                key = error.column or NON_FIELD_ERRORS
                result.append_invalid_row(error.line, values,
                                          ValidationError({key: [f"第{error.line}行:{error.message}"]}))
            return result
        created = sum(v for k, v in counts.items() if k != "unchanged")
        result.totals[RowResult.IMPORT_TYPE_NEW] = created
        result.totals[RowResult.IMPORT_TYPE_SKIP] = counts.get("unchanged", 0)
        result.total_rows = len(dataset)
        return result


class DoctorsImport(_WholeFileImport):
    kind = "doctors"
    display_name = "医保医师及服务协议"


class DeductionsImport(_WholeFileImport):
    kind = "deductions"
    display_name = "扣分记录"


class AppealsImport(_WholeFileImport):
    kind = "appeals"
    display_name = "申诉"


class DoctorExport(ResidentIdExportMixin, resources.ModelResource):
    """Doctors list export: the resident ID is masked unless the exporting user's role may
    see full numbers (DOMAIN §0, ``apps.core.resources.ResidentIdExportMixin``)."""

    name = fields.Field(attribute="name", column_name="姓名")
    resident_id = fields.Field(attribute="resident_id", column_name="公民身份号码")
    certificate_number = fields.Field(attribute="certificate_number", column_name="执业证书编码")
    qualification = fields.Field(attribute="get_qualification_display", column_name="资格类别")

    def export(self, queryset=None, **kwargs):
        """Full numbers are a disclosure: one VIEW_ID entry with the count and the counties
        (issue 9 §5), instead of the mixin's generic bulk entry."""
        data = super(ResidentIdExportMixin, self).export(queryset, **kwargs)
        if self.full_ids:
            regions = set()
            if queryset is not None:
                # A subquery, not IN (…) with one parameter per exported doctor: a province's
                # export would pass PostgreSQL's 65,535-parameter limit (issue 13 §1).
                chosen = (queryset.values("pk") if hasattr(queryset, "values")
                          else [d.pk for d in queryset])
                regions = set(Doctor.objects.filter(pk__in=chosen)
                              .values_list("agreements__institution__region", flat=True))
            audit.record_id_disclosure(actor=self.user, model=Doctor, note="导出医保医师(含完整公民身份号码)",
                                       count=len(data), regions=regions - {None})
        return data

    class Meta:
        model = Doctor
        name = "医保医师"
        fields = ["name", "resident_id", "certificate_number", "qualification"]
        export_order = ["name", "resident_id", "certificate_number", "qualification"]
