"""Core writes: organisations and their aliases."""

from __future__ import annotations

import re

from django.db import transaction

from .models import Organisation, OrganisationAlias, Region

CITY_PREFIX = "衢州市"


def update_if_changed(obj, values: dict) -> bool:
    """Set ``values`` on ``obj`` and save only when something differs, so a re-import of
    the same source writes nothing (and leaves no empty history rows)."""
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    for key in changed:
        setattr(obj, key, values[key])
    if changed:
        obj.save()
    return bool(changed)


def _clean(name: str) -> str:
    return re.sub(r"\s+", "", name or "").replace("(", "(").replace(")", ")")


def name_variants(name: str) -> list[str]:
    """Equivalent spellings of a city-level unit: 市人民医院 ≡ 衢州市人民医院."""
    name = _clean(name)
    variants = [name]
    if name.startswith(CITY_PREFIX):
        variants.append(name[len("衢州"):])
    elif name.startswith("市"):
        variants.append("衢州" + name)
    return variants


def organisation_find(name: str) -> Organisation | None:
    """The organisation known by ``name`` or an alias of it, or None."""
    variants = name_variants(name)
    org = Organisation.objects.filter(name__in=variants).first()
    if org is None:
        alias = OrganisationAlias.objects.select_related("organisation").filter(
            name__in=variants).first()
        org = alias.organisation if alias else None
    return org


def _guess_region(name: str) -> Region | None:
    for region in Region.objects.all():
        if region.kind == Region.Kind.CITY:
            continue
        if name.startswith(region.name) or any(name.startswith(s) for s in region.short_names):
            return region
    if name.startswith(("市", CITY_PREFIX)):
        return Region.objects.filter(kind=Region.Kind.CITY).first()
    return None


@transaction.atomic
def organisation_resolve(name: str, *, kind: str = Organisation.Kind.OTHER) -> Organisation:
    """Find the organisation for ``name`` or create it, so records from different documents
    meet on one unit (DOMAIN §0: names appear abbreviated and full)."""
    org = organisation_find(name)
    if org is not None:
        return org
    clean = _clean(name)
    org, _ = Organisation.objects.get_or_create(
        name=clean, defaults={"kind": kind, "region": _guess_region(clean)})
    return org


@transaction.atomic
def organisation_add_alias(organisation: Organisation, alias: str) -> OrganisationAlias:
    alias = _clean(alias)
    existing = organisation_find(alias)
    if existing is not None and existing != organisation:
        raise ValueError(f"“{alias}”已是单位“{existing}”的名称或别名")
    obj, _ = OrganisationAlias.objects.get_or_create(name=alias, defaults={"organisation": organisation})
    return obj


@transaction.atomic
def organisation_merge(*, keep: Organisation, merge: Organisation, actor=None) -> Organisation:
    """Merge ``merge`` into ``keep`` (DOMAIN §0: one record per body, names as aliases).

    Every reference moves to ``keep``, ``merge``'s name and aliases become aliases of it,
    and one run-level audit record names what moved.
    """
    from django.db.models import ForeignKey

    from . import audit

    if keep == merge:
        return keep
    moved = {}
    for relation in merge._meta.related_objects:
        model = relation.related_model
        if not isinstance(relation.field, ForeignKey) or model is OrganisationAlias:
            continue
        if model._meta.label.startswith("core.Historical"):
            continue
        count = model._base_manager.filter(**{relation.field.name: merge}).update(
            **{relation.field.name: keep})
        if count:
            moved[f"{model._meta.label}.{relation.field.name}"] = count
    OrganisationAlias.objects.filter(organisation=merge).update(organisation=keep)
    name = merge.name
    merge.delete()
    OrganisationAlias.objects.get_or_create(name=name, defaults={"organisation": keep})
    audit.record_bulk(actor=actor, model=Organisation, note=f"单位“{name}”并入“{keep.name}”",
                      counts=moved, object_ids=[keep.pk])
    return keep
