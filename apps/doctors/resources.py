"""django-import-export resources: the doctors list export (imports go through the core
import screen, ``apps.core.import_admin``, over ``imports.import_file``)."""

from __future__ import annotations

from import_export import fields, resources

from apps.core import audit
from apps.core.resources import ResidentIdExportMixin

from .models import Doctor


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
