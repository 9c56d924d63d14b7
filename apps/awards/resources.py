"""django-import-export resources: decisions and recipients for documents not in a gazette."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from apps.core.docnumbers import DocumentNumber, InvalidDocumentNumber
from apps.core.resources import AuditedImportMixin

from . import services
from .models import Decision, Recipient


class DecisionResource(AuditedImportMixin, resources.ModelResource):
    number = fields.Field(attribute="number", column_name="文号")
    title = fields.Field(attribute="title", column_name="标题")
    issuing_body = fields.Field(attribute="issuing_body", column_name="发文机关")
    date = fields.Field(attribute="date", column_name="成文日期",
                        widget=widgets.DateWidget("%Y-%m-%d"))
    kind = fields.Field(attribute="kind", column_name="文种")

    def dehydrate_kind(self, obj):
        return obj.get_kind_display()
    basis = fields.Field(attribute="basis", column_name="依据")
    public = fields.Field(attribute="public", column_name="公开发布", widget=widgets.BooleanWidget())

    class Meta:
        model = Decision
        fields = ("number", "title", "issuing_body", "date", "kind", "basis", "public")
        import_id_fields = ("number",)
        skip_unchanged = True

    def before_import_row(self, row, **kwargs):
        try:
            row["文号"] = str(DocumentNumber.parse(row.get("文号")))
        except InvalidDocumentNumber as exc:
            raise ValidationError({"number": str(exc)}) from exc
        kind = str(row.get("文种") or "").strip()
        kinds = {label: value for value, label in Decision.Kind.choices}
        if kind and kind not in kinds and kind not in kinds.values():
            raise ValidationError({"kind": f"文种应为“决定”或“通报”,实际为“{kind}”"})
        row["文种"] = kinds.get(kind, kind) or Decision.Kind.DECISION

    def before_save_instance(self, instance, row, **kwargs):
        parts = DocumentNumber.parse(instance.number)
        instance.number, instance.issuer_code = str(parts), parts.issuer
        instance.year, instance.serial = parts.year, parts.serial


class RecipientResource(AuditedImportMixin, resources.ModelResource):
    """Columns 文号, 栏目, 奖励类别, 公布数量, 姓名或集体, 单位: one recipient per row."""

    number = fields.Field(column_name="文号")
    date = fields.Field(column_name="成文日期")
    section = fields.Field(column_name="栏目")
    award = fields.Field(column_name="奖励类别")
    declared = fields.Field(column_name="公布数量")
    name = fields.Field(column_name="姓名或集体")
    unit = fields.Field(column_name="单位")
    unit_canonical = fields.Field(column_name="单位规范名称")

    class Meta:
        model = Recipient
        fields = ("number", "date", "section", "award", "declared", "name", "unit",
                  "unit_canonical")
        import_id_fields = ()
        skip_diff = True

    def get_queryset(self):
        return super().get_queryset().select_related("section__decision", "organisation")

    def dehydrate_number(self, obj):
        return obj.section.decision.number

    def dehydrate_date(self, obj):
        return obj.section.decision.date.isoformat()

    def dehydrate_section(self, obj):
        return obj.section.title

    def dehydrate_award(self, obj):
        return obj.section.get_award_display()

    def dehydrate_declared(self, obj):
        return obj.section.declared_count

    def dehydrate_name(self, obj):
        return obj.person_name or obj.text

    def dehydrate_unit(self, obj):
        return obj.unit_text

    def dehydrate_unit_canonical(self, obj):
        return obj.organisation.name if obj.organisation else ""

    def get_or_init_instance(self, instance_loader, row):
        declared = row.get("公布数量")
        try:
            declared = int(declared) if declared not in (None, "") else None
        except (TypeError, ValueError):
            raise ValidationError({"declared": f"公布数量“{declared}”不是整数"}) from None
        return services.recipient_import(
            number=str(row.get("文号") or ""), section_title=str(row.get("栏目") or ""),
            award_label=str(row.get("奖励类别") or ""), declared=declared,
            name=str(row.get("姓名或集体") or ""), unit=str(row.get("单位") or ""))

    def save_instance(self, instance, is_create, row, **kwargs):
        """Saved by the service in ``get_or_init_instance``."""


