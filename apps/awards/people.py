"""The records that point at a person (issue 14 §5): each app registers the keys to
``Person`` it owns, so merging and splitting people (``services.person_merge`` /
``person_split_key``) move exactly those — an explicit list, not a reflection over
``_meta.related_objects``. A test checks that every key to ``Person`` is registered."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class PersonReference:
    model: type[models.Model]
    field: str = "person"
    # Rows recorded under a name + unit (``person_name`` and ``organisation``) follow that
    # identity key when it is split off into a person of its own.
    follows_split: bool = False

    @property
    def label(self) -> str:
        return self.model._meta.label


_REFERENCES: dict[tuple[str, str], PersonReference] = {}


def register(model: type[models.Model], *, field: str = "person",
             follows_split: bool = False) -> None:
    """Declare that ``model.field`` points at a ``Person`` (from the owning app's ``ready``)."""
    reference = PersonReference(model, field, follows_split)
    _REFERENCES[(reference.label, field)] = reference


def references() -> list[PersonReference]:
    return list(_REFERENCES.values())
