"""django-import-export resource: appointment items for notices not in a gazette."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from import_export import fields, resources

from apps.core.docnumbers import InvalidDocumentNumber
from apps.core.resources import AuditedImportMixin

from . import services
from .models import AppointmentItem

ACTIONS = {"任": "appoint", "免去": "remove", "免": "remove"}
KINDS = {"职务": "post", "职级": "rank"}


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError({"date": f"成文日期“{value}”应为 YYYY-MM-DD"}) from None


class AppointmentItemResource(AuditedImportMixin, resources.ModelResource):
    """Columns 文号, 标题, 发文机关, 成文日期, 顺序, 姓名, 任免, 类别, 单位, 职务或职级,
    试用期(月), 选举说明 — one item per row; the notice is created on first use."""

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
        import_id_fields = ()
        skip_diff = True

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

    def get_or_init_instance(self, instance_loader, row):
        action = ACTIONS.get(str(row.get("任免") or "").strip())
        if action is None:
            raise ValidationError({"action": f"任免应为“任”或“免去”,实际为“{row.get('任免')}”"})
        kind = KINDS.get(str(row.get("类别") or "").strip())
        if kind is None:
            raise ValidationError({"kind": f"类别应为“职务”或“职级”,实际为“{row.get('类别')}”"})
        try:
            order = int(row.get("顺序"))
            months = int(row["试用期(月)"]) if row.get("试用期(月)") not in (None, "") else None
        except (TypeError, ValueError):
            raise ValidationError({"order": "顺序和试用期(月)须为整数"}) from None
        try:
            notice = services.notice_record(
                number=str(row.get("文号") or ""), title=str(row.get("标题") or ""),
                issuing_body=str(row.get("发文机关") or ""), date=_date(row.get("成文日期")))
        except InvalidDocumentNumber as exc:
            raise ValidationError({"number": str(exc)}) from exc
        existed = notice.items.filter(order=order).exists()
        item = services.item_record(
            notice=notice, order=order, name=str(row.get("姓名") or ""), action=action, kind=kind,
            unit=str(row.get("单位") or ""), title=str(row.get("职务或职级") or ""),
            probation_months=months, election_text=str(row.get("选举说明") or ""))
        return item, not existed

    def save_instance(self, instance, is_create, row, **kwargs):
        """Saved by the service in ``get_or_init_instance``."""
