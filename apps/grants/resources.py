"""Export of the grant items (Chinese headers, the status as of today)."""

from __future__ import annotations

from django.utils import timezone
from import_export import fields, resources

from . import selectors
from .models import GrantItem, Status


class GrantItemResource(resources.ModelResource):
    document = fields.Field(attribute="document", column_name="文号")
    key = fields.Field(attribute="key", column_name="编号")
    group = fields.Field(attribute="group", column_name="类别")
    title = fields.Field(attribute="title", column_name="名称")
    valid_until = fields.Field(attribute="valid_until", column_name="有效期至")
    status = fields.Field(column_name="今日状态")

    class Meta:
        model = GrantItem
        fields = ("document", "key", "group", "title", "valid_until", "status")
        export_order = fields

    def dehydrate_group(self, obj):
        return obj.get_group_display()

    def dehydrate_status(self, obj):
        return Status(selectors.status_on(obj, timezone.localdate())).label
