"""Every registry record keeps its history; imports leave a run-level audit record; roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.core.models import AuditEvent
from apps.regulations import models
from apps.regulations.own import OWN_NUMBERS


@pytest.mark.parametrize("model", [models.NormativeDocument, models.StatusEvent,
                                   models.CleanupCampaign, models.CampaignItem,
                                   models.DocumentLink, models.ReconciliationReport])
def test_every_model_keeps_history(model):
    assert hasattr(model, "history")


def test_gazette_import_is_audited_per_row_and_per_run(registry):
    # The session seed also ran regulations.own (issue 15 §8): its 7 documents and the one
    # 衢政办发〔2020〕16号 amends (衢政办发〔2019〕35号) are not the registry parsers' 89.
    own = [str(pk) for pk in models.NormativeDocument.objects.filter(
        number__in=[*OWN_NUMBERS, "衢政办发〔2019〕35号"]).values_list("pk", flat=True)]
    assert len(own) == 8
    assert AuditEvent.objects.filter(model="regulations.NormativeDocument",
                                     action=AuditEvent.Action.CREATE).exclude(
        object_id__in=own).count() == 89
    runs = AuditEvent.objects.filter(action=AuditEvent.Action.BULK,
                                     model="regulations.NormativeDocument")
    assert {e.note for e in runs} >= {"政报导入清理结果 衢市监规〔2020〕1号",
                                      "政报导入清理结果 衢环发〔2020〕66号",
                                      "政报导入同时废止条款 衢政办发〔2020〕20号"}


def test_viewing_roles_cannot_change_and_bureaus_can(registry, client, minzheng_user, make_staff):
    doc = models.NormativeDocument.objects.get(number="衢政发〔2011〕97号")
    url = reverse("admin:regulations_normativedocument_change", args=[doc.pk])
    client.force_login(minzheng_user)
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    client.force_login(make_staff("shengtai", "生态环境"))
    assert 'name="_save"' in client.get(url).content.decode()
