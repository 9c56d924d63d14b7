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


def test_a_file_over_the_inline_limit_is_refused_alike_on_both_import_paths(
        client, ecology_user, settings, monkeypatch):
    """Review finding 1 (issue 11 §3): ``import/`` refuses what ``upload/`` refuses."""
    from apps.ecology import imports
    from apps.ecology.models import Machine
    from tests.core.upload_limit import both_paths_at_and_over_the_limit

    client.force_login(ecology_user)
    data = ("所有者,区划代码,类别,机型,出厂编号,燃料,排气烟度类别,识别标志编号,使用场所\n"
            "衢州某建设有限公司,330802,工程机械,挖掘机PC200,SN-1,柴油,Ⅲ类,QZ-1,荷花街道工地\n"
            "衢州某建设有限公司,330802,工程机械,挖掘机PC200,SN-2,柴油,Ⅲ类,QZ-2,荷花街道工地\n").encode()
    both_paths_at_and_over_the_limit(client, settings, base="/admin/ecology/machine/", data=data,
                                     stored=Machine.objects.count, service=(imports, "import_file"),
                                     monkeypatch=monkeypatch)
