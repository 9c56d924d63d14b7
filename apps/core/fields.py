"""Model fields shared by the domain apps."""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from . import resident_id


def validate_resident_id(value: str) -> None:
    resident_id.validate(value)


class _ResidentIdDescriptor(DeferredAttribute):
    """Keeps the companion digest column in step with the plaintext value in memory."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value
        digest_name = self.field.digest_field
        if value:
            instance.__dict__[digest_name] = resident_id.digest(value)
        elif digest_name not in instance.__dict__:
            instance.__dict__[digest_name] = None


class ResidentIdField(models.CharField):
    """公民身份号码, stored AES-GCM-encrypted; ``digest_field`` holds the HMAC for lookups.

    Query with ``Model.objects.filter(<digest_field>=resident_id.digest(number))``; the
    ciphertext itself is never compared. Lists show ``resident_id.mask(value)``.
    """

    descriptor_class = _ResidentIdDescriptor
    description = "Resident ID number (encrypted)"

    def __init__(self, *args, digest_field: str = "resident_id_digest", **kwargs):
        self.digest_field = digest_field
        kwargs.setdefault("max_length", 80)
        kwargs.setdefault("verbose_name", "公民身份号码")
        super().__init__(*args, **kwargs)
        self.validators.append(validate_resident_id)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["digest_field"] = self.digest_field
        if kwargs.get("max_length") == 80:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def to_python(self, value):
        if value is None or value == "":
            return value
        return resident_id.normalise(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return resident_id.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        if value.startswith("v1:"):
            return value
        return resident_id.encrypt(value)

    def get_lookup(self, lookup_name):
        if lookup_name not in ("isnull",):
            raise FieldError(
                f"不能按密文查询公民身份号码(查找方式 {lookup_name}),请按 {self.digest_field} 摘要查询"
            )
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        return super().formfield(**kwargs)


class ResidentIdDigestField(models.CharField):
    """HMAC-SHA256 of the normalised number: unique per person, indexed for lookup."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("verbose_name", "身份证号摘要")
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        """Recompute from the sibling ``ResidentIdField`` at save (bulk_create included)."""
        for field in model_instance._meta.concrete_fields:
            if isinstance(field, ResidentIdField) and field.digest_field == self.attname:
                value = getattr(model_instance, field.attname)
                digest = resident_id.digest(value) if value else None
                setattr(model_instance, self.attname, digest)
                return digest
        return super().pre_save(model_instance, add)
