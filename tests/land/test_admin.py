"""The land admin pages render with their history, read-only: the standards are printed."""

import pytest
from django.urls import reverse

from apps.land.models import CollectiveFundRate, LandPolicyVersion, LandPrice, LandZone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [LandPolicyVersion, LandZone, LandPrice, CollectiveFundRate])
def test_change_and_history_pages_render_read_only(gazette, client, make_staff, model):
    """Printed standards are shown, never edited by hand: a misprint is corrected by
    importing the gazette again (PrintedStandard)."""
    obj = model.objects.first()
    client.force_login(make_staff("zy", "资源规划"))
    base = f"admin:land_{model._meta.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    page = client.get(reverse(f"{base}_change", args=[obj.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.get(reverse(f"{base}_history", args=[obj.pk])).status_code == 200


def test_district_staff_read_prices_without_a_save_button(gazette, client, make_staff):
    client.force_login(make_staff("kc-zy", "资源规划", region_code="330802"))
    price = LandPrice.objects.first()
    page = client.get(reverse("admin:land_landprice_change", args=[price.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
