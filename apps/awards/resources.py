"""django-import-export resources: the decisions and recipients exports (XLSX/CSV).

Imports go through the whole-file service (``imports.import_file``, issue 14 §4); these
resources only export, with the same column headers the import reads."""

from __future__ import annotations

from import_export import fields, resources, widgets

from .models import Decision, Recipient


class DecisionResource(resources.ModelResource):
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


class RecipientResource(resources.ModelResource):
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
