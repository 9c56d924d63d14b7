"""django-import-export resource: the appointment items export (XLSX/CSV).

Imports go through the whole-file service (``imports.import_file``, issue 14 §4); this
resource only exports, with the same column headers the import reads."""

from __future__ import annotations

from import_export import fields, resources

from .models import AppointmentItem


class AppointmentItemResource(resources.ModelResource):
    """Columns 文号, 标题, 发文机关, 成文日期, 顺序, 姓名, 任免, 类别, 单位, 职务或职级,
    试用期(月), 试用期满, 选举说明 — one item per row."""

    number = fields.Field(column_name="文号")
    title_ = fields.Field(column_name="标题")
    issuing_body = fields.Field(column_name="发文机关")
    date = fields.Field(column_name="成文日期")
    order = fields.Field(column_name="顺序")
    name = fields.Field(column_name="姓名")
    action = fields.Field(column_name="任免")
    kind = fields.Field(column_name="类别")
    unit = fields.Field(column_name="单位")
    post = fields.Field(column_name="职务或职级")
    probation = fields.Field(column_name="试用期(月)")
    probation_until = fields.Field(column_name="试用期满")
    election = fields.Field(column_name="选举说明")

    class Meta:
        model = AppointmentItem
        fields = ("number", "title_", "issuing_body", "date", "order", "name", "action", "kind",
                  "unit", "post", "probation", "probation_until", "election")

    def get_queryset(self):
        return super().get_queryset().select_related("notice", "organisation")

    def dehydrate_number(self, obj):
        return obj.notice.number

    def dehydrate_title_(self, obj):
        return obj.notice.title

    def dehydrate_issuing_body(self, obj):
        return obj.notice.issuing_body

    def dehydrate_date(self, obj):
        return obj.notice.date.isoformat()

    def dehydrate_order(self, obj):
        return obj.order

    def dehydrate_name(self, obj):
        return obj.person_name

    def dehydrate_action(self, obj):
        return obj.get_action_display()

    def dehydrate_kind(self, obj):
        return obj.get_kind_display()

    def dehydrate_unit(self, obj):
        return obj.organisation.name

    def dehydrate_post(self, obj):
        return obj.title

    def dehydrate_probation(self, obj):
        return obj.probation_months or ""

    def dehydrate_probation_until(self, obj):
        return obj.probation_until.isoformat() if obj.probation_until else ""

    def dehydrate_election(self, obj):
        return obj.election_text
