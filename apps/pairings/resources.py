"""Exports (Chinese headers): activities with the import's own columns, pairings with
their targets and aid as of today."""

from __future__ import annotations

from import_export import fields, resources

from .imports import HEADERS
from .models import Pairing, PairingActivity


class PairingActivityResource(resources.ModelResource):
    unit = fields.Field(attribute="pairing__unit", column_name=HEADERS[0])
    on = fields.Field(attribute="on", column_name=HEADERS[1])
    kind = fields.Field(attribute="kind", column_name=HEADERS[2])
    amount = fields.Field(attribute="amount", column_name=HEADERS[3])
    note = fields.Field(attribute="note", column_name=HEADERS[4])
    voided = fields.Field(column_name="已作废")

    class Meta:
        model = PairingActivity
        fields = ("unit", "on", "kind", "amount", "note", "voided")
        export_order = fields

    def dehydrate_voided(self, obj):
        return "是" if hasattr(obj, "void") else ""


class PairingResource(resources.ModelResource):
    position = fields.Field(attribute="position", column_name="序号")
    unit = fields.Field(attribute="unit", column_name="结对单位")
    organisation = fields.Field(attribute="organisation__name", column_name="对应单位")
    arrangement = fields.Field(attribute="arrangement", column_name="结对帮扶安排")
    targets = fields.Field(column_name="结对对象")

    class Meta:
        model = Pairing
        fields = ("position", "unit", "organisation", "arrangement", "targets")
        export_order = fields

    def dehydrate_targets(self, obj):
        return "、".join(str(t) for t in obj.targets.all())
