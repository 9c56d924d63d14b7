"""Issue 9 for the gazette: city-wide (county staff cannot import or delete), every import
leaves one 导入 entry with counts, a re-import changes nothing, and deleting an issue as a
superuser leaves 删除 entries with the old values."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from apps.core.authority import AuthorityError
from apps.core.models import AuditEvent
from apps.gazette.models import Article, GazetteIssue
from apps.gazette.services import import_gazette

SMALL = """衢州政报
目录
关于测试的通知(衢政办发〔2020〕99号) 1

关于测试的通知
衢政办发〔2020〕99号
各县(市、区)人民政府:
现将有关事项通知如下。
衢州市人民政府办公室
2020 年 6 月 1 日
"""


@pytest.fixture
def county(make_staff):
    return make_staff("kc", "市府办", region_code="330802")


def test_gazette_models_keep_history():
    assert hasattr(GazetteIssue, "history") and hasattr(Article, "history")


def test_county_user_cannot_import_a_gazette(db, county):
    with pytest.raises(AuthorityError, match="市级统一管理"):
        import_gazette(text=SMALL, source_name="x", actor=county)
    assert not GazetteIssue.objects.exists()


def test_county_user_cannot_import_by_command(db, county, tmp_path):
    path = tmp_path / "g.txt"
    path.write_text(SMALL, encoding="utf-8")
    with pytest.raises(AuthorityError):
        call_command("import_gazette", str(path), "--as", "kc")
    assert not GazetteIssue.objects.exists()


def test_each_import_writes_one_import_entry_and_a_reimport_changes_nothing(db, make_staff):
    user = make_staff("city", "市府办")
    first = import_gazette(text=SMALL, source_name="small.txt", actor=user)
    assert first.changed
    entry = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert entry.actor == user and entry.changes["counts"]["articles"] == 1
    assert entry.changes["counts"]["issue_created"] == 1
    before = AuditEvent.objects.count()
    again = import_gazette(text=SMALL, source_name="small.txt")
    assert not again.changed
    runs = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).order_by("pk")
    assert runs.count() == 2 and "无变化" in runs.last().note
    assert runs.last().actor_name.startswith("系统")
    assert AuditEvent.objects.count() == before + 1  # only the run entry


def test_county_user_cannot_delete_an_issue_in_the_admin(db, client, county):
    import_gazette(text=SMALL, source_name="small.txt")
    issue = GazetteIssue.objects.get()
    client.force_login(county)
    assert client.post(f"/admin/gazette/gazetteissue/{issue.pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert GazetteIssue.objects.filter(pk=issue.pk).exists()


def test_deleting_an_issue_as_superuser_is_audited_with_old_values(db, admin_client, admin_user):
    import_gazette(text=SMALL, source_name="small.txt")
    issue = GazetteIssue.objects.get()
    article = issue.articles.get()
    response = admin_client.post(f"/admin/gazette/gazetteissue/{issue.pk}/delete/",
                                 {"post": "yes"})
    assert response.status_code == 302
    assert not GazetteIssue.objects.exists()
    deleted = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, model="gazette.GazetteIssue")
    assert deleted.actor == admin_user
    assert deleted.changes["sha256"] == [issue.sha256, None]
    assert deleted.changes["title"] == [issue.title, None]
    gone = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, model="gazette.Article")
    assert gone.object_id == str(article.pk)
    assert gone.changes["number"] == ["衢政办发〔2020〕99号", None]
