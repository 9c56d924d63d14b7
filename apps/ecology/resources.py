"""Exports with the import's own headers (a machine export can be re-read by the import)."""

from __future__ import annotations

from import_export import fields, resources

from .imports import HEADERS
from .models import Machine, NoPenaltyItem


class MachineResource(resources.ModelResource):
    owner = fields.Field(attribute="owner", column_name=HEADERS[0])
    region = fields.Field(attribute="region__code", column_name=HEADERS[1])
    category = fields.Field(attribute="category", column_name=HEADERS[2])
    model_name = fields.Field(attribute="model_name", column_name=HEADERS[3])
    serial_number = fields.Field(attribute="serial_number", column_name=HEADERS[4])
    fuel = fields.Field(attribute="fuel", column_name=HEADERS[5])
    smoke_class = fields.Field(attribute="smoke_class", column_name=HEADERS[6])
    sign_number = fields.Field(attribute="sign_number", column_name=HEADERS[7])
    site = fields.Field(attribute="site", column_name=HEADERS[8])

    class Meta:
        model = Machine
        fields = ("owner", "region", "category", "model_name", "serial_number", "fuel",
                  "smoke_class", "sign_number", "site")
        export_order = fields

    def dehydrate_category(self, obj):
        return obj.get_category_display()

    def dehydrate_fuel(self, obj):
        return obj.get_fuel_display()

    def dehydrate_smoke_class(self, obj):
        return obj.get_smoke_class_display()


class NoPenaltyItemResource(resources.ModelResource):
    number = fields.Field(attribute="listing__number", column_name="清单文号")
    position = fields.Field(attribute="position", column_name="序号")
    category = fields.Field(attribute="category", column_name="类别")
    behaviour = fields.Field(attribute="behaviour", column_name="违法行为")
    basis = fields.Field(attribute="basis", column_name="法律条款")
    conditions_text = fields.Field(attribute="conditions_text", column_name="依法不予行政处罚情形")
    correction_days = fields.Field(attribute="correction_days", column_name="改正期限(日)")

    class Meta:
        model = NoPenaltyItem
        fields = ("number", "position", "category", "behaviour", "basis", "conditions_text",
                  "correction_days")
        export_order = fields
