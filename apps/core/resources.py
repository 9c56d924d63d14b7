"""import-export building blocks shared by the domain apps."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError

from . import audit, resident_id, roles

# django-import-export widget messages that are not marked for translation.
WIDGET_MESSAGES = {
    "Value could not be parsed using defined formats.": "无法识别,请按规定格式填写(日期为 YYYY-MM-DD)",
}


class ColumnErrorsMixin:
    """Resource mixin (issue 12 §5): a bad row's errors name the file's column (“成文日期”),
    not the resource attribute or model field (``date``), and read in Chinese."""

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            raise ValidationError(self.column_errors(exc.error_dict, instance)) from None

    def column_errors(self, error_dict: dict, instance) -> dict:
        columns = {f.attribute: f.column_name for f in self.get_import_fields() if f.attribute}
        named: dict[str, list] = {}
        for key, errors in error_dict.items():
            if key == NON_FIELD_ERRORS or key in columns:
                name = columns.get(key, key)
            else:
                try:
                    name = str(instance._meta.get_field(key).verbose_name)
                except FieldDoesNotExist:
                    name = key
            messages = [m for error in errors for m in error.messages]
            named.setdefault(name, []).extend(
                ValidationError(WIDGET_MESSAGES.get(m, m)) for m in messages)
        return named


class AuditedImportMixin(ColumnErrorsMixin):
    """Resource mixin for the import-export screens (issue 14 §4, one copy for every app):
    bad rows name their column (``ColumnErrorsMixin``) and a confirmed import that saved
    something writes one run-level audit record (rows are audited by simple-history);
    a dry run (the preview) or a refused file records nothing. ``import_note`` is the
    record's note before the model's name; ``after_confirmed_import`` runs first."""

    import_note = "导入"

    def after_confirmed_import(self, dataset, result, **kwargs) -> None:
        """Hook: what else a confirmed import records (e.g. findings for the staff report)."""

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors():
            return
        self.after_confirmed_import(dataset, result, **kwargs)
        model = self._meta.model
        audit.record_bulk(actor=kwargs.get("user"), model=model,
                          note=f"{self.import_note}{model._meta.verbose_name}",
                          counts={k: v for k, v in result.totals.items() if v})


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
