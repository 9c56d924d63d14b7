"""The ecology admin pages render in Chinese with their history (issue 15 Common)."""

import pytest
from django.urls import reverse

from apps.ecology.models import NoPenaltyItem, NoPenaltyList, RestrictedZone

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [RestrictedZone, NoPenaltyList, NoPenaltyItem])
def test_change_and_history_pages_render(gazette, client, ecology_user, model):
    obj = model.objects.first()
    client.force_login(ecology_user)
    base = f"admin:ecology_{model._meta.model_name}"
    assert client.get(reverse(f"{base}_changelist")).status_code == 200
    page = client.get(reverse(f"{base}_change", args=[obj.pk]))
    assert page.status_code == 200 and str(model._meta.verbose_name) in page.content.decode()
    history = client.get(reverse(f"{base}_history", args=[obj.pk]))
    assert history.status_code == 200


def test_county_staff_read_the_list_but_do_not_change_it(gazette, client, make_staff):
    client.force_login(make_staff("kc-st", "生态环境", region_code="330802"))
    item = NoPenaltyItem.objects.get(position=13)
    page = client.get(reverse("admin:ecology_nopenaltyitem_change", args=[item.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
