"""Standards a gazette document prints are written by the gazette importer only; staff see
them read-only and a hand edit is refused on every path (the guide's rule for records with
legal or financial effect: corrected by a new import, never edited)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import transaction
from django.db.models import ProtectedError
from django.test import RequestFactory

from apps.core import authority
from apps.core.models import PrintedStandard
from apps.gazette import services as gazette_services

pytestmark = pytest.mark.django_db

PRINTED = sorted((m for m in apps.get_models() if issubclass(m, PrintedStandard)),
                 key=lambda m: m._meta.label)


def test_the_printed_standards_are_the_ones_the_gazette_prints():
    labels = {m._meta.label for m in PRINTED}
    assert {"land.LandPrice", "land.CollectiveFundRate", "land.LandZone", "land.LandPolicyVersion",
            "ecology.RestrictedZone", "ecology.NoPenaltyList", "ecology.NoPenaltyItem",
            "grants.GrantItem"} <= labels


@pytest.mark.parametrize("model", PRINTED, ids=lambda m: m._meta.label)
def test_a_hand_edit_is_refused_and_the_admin_is_read_only(gazette, model, django_user_model):
    row = model.objects.first()
    assert row is not None, f"the seed gazette should import {model._meta.label}"
    with pytest.raises(authority.AuthorityError, match="重新导入政报"), transaction.atomic():
        row.save()
    with pytest.raises((authority.AuthorityError, ProtectedError)), transaction.atomic():
        row.delete()  # refused by the lock, or earlier by the events that protect it
    assert model.objects.filter(pk=row.pk).exists()
    superuser = django_user_model.objects.create_superuser("root-ps", password="x" * 16)
    request = RequestFactory().get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)


def test_importing_the_gazette_again_may_rewrite_them(gazette, gazette_text):
    """The importer is the one writer (authority.deriving): a rerun passes the lock and
    changes nothing."""
    report = gazette_services.import_gazette(text=gazette_text, source_name="seed")
    assert not report.changed
