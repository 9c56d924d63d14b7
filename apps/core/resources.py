"""import-export building blocks shared by the domain apps."""

from __future__ import annotations

from . import audit, resident_id, roles


class ResidentIdExportMixin:
    """Resource mixin: resident IDs are masked in exports unless the exporting user's role may
    see full numbers (DOMAIN §0); an export with full numbers is logged in the audit trail.

    Admins pass the user through ``ResidentIdAdminMixin.get_export_resource_kwargs``;
    commands pass ``user=None`` (masked) or an explicit user.
    """

    resident_id_fields = ("resident_id",)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.full_ids = roles.may_see_full_id(user)

    def export_field(self, field, instance, **kwargs):
        if field.attribute in self.resident_id_fields:
            value = getattr(instance, field.attribute) or ""
            return value if self.full_ids else resident_id.mask(value)
        return super().export_field(field, instance, **kwargs)

    def export(self, queryset=None, **kwargs):
        data = super().export(queryset, **kwargs)
        if self.full_ids:
            model = self._meta.model
            audit.record_bulk(actor=self.user, model=model, note="导出含完整公民身份号码的数据",
                              counts={"rows": len(data)})
        return data
