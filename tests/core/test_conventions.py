"""Project-wide guards: what every domain model and admin must do (DEVELOPERS.md)."""

from django.apps import apps
from django.contrib import admin

from apps.core.admin_tools import ResidentIdAdminMixin
from apps.core.fields import ResidentIdField

LOCAL = ("apps.",)


def _local_models():
    for model in apps.get_models():
        module = model.__module__
        if not module.startswith(LOCAL) or model.__name__.startswith("Historical"):
            continue
        yield model


def _id_fields(model):
    return [f for f in model._meta.concrete_fields if isinstance(f, ResidentIdField)]


def test_models_holding_resident_ids_keep_history_and_a_digest():
    for model in _local_models():
        for field in _id_fields(model):
            assert hasattr(model, "history"), f"{model._meta.label} holds IDs but has no history"
            digest = model._meta.get_field(field.digest_field)
            assert digest.db_index or digest.unique, f"{model._meta.label}.{digest.name} not indexed"


def test_admins_of_models_with_ids_mask_them_in_lists():
    for model, model_admin in admin.site._registry.items():
        if not _id_fields(model):
            continue
        assert isinstance(model_admin, ResidentIdAdminMixin), f"{model._meta.label} admin shows raw IDs"
        shown = [f if isinstance(f, str) else "" for f in model_admin.list_display]
        assert "resident_id" not in shown, f"{model._meta.label} lists plain resident IDs"


def test_every_model_has_chinese_verbose_names():
    for model in _local_models():
        name = str(model._meta.verbose_name)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in name), f"{model._meta.label}: {name}"


def test_every_domain_model_is_in_the_admin():
    """Registered itself, as a proxy (``subsidies.Job`` shows ``core.Job``), or edited as an
    inline of a registered model or shown as a table on its page; a table only services derive (``derived_table = True``,
    regulations.StatusPeriod) has no admin of its own."""
    inlined = {inline.model for model_admin in admin.site._registry.values()
               for inline in model_admin.inlines}
    # Rows shown as read-only tables on their parent's page (``ReadOnlyTablesMixin``).
    inlined |= {model for model_admin in admin.site._registry.values()
                for model in (model_admin.readonly_table_models()
                              if hasattr(model_admin, "readonly_table_models") else ())}
    proxied = {m._meta.concrete_model for m in admin.site._registry if m._meta.proxy}
    missing = [m._meta.label for m in _local_models()
               if m not in admin.site._registry and m not in inlined and m not in proxied
               and not m._meta.auto_created and not getattr(m, "derived_table", False)]
    assert not missing, f"models without an admin: {missing}"
