"""Before 衢政办发〔2020〕21号 is imported the APIs answer 404 (a module without the seed: the
seed fixture is module-scoped)."""

import pytest

pytestmark = pytest.mark.django_db


def test_before_the_gazette_is_imported_404(client, make_staff):
    client.force_login(make_staff("jx", "经信"))
    for url in ("/api/bizenv/tasks?as_of=2020-10-01", "/api/bizenv/indicators"):
        response = client.get(url)
        assert response.status_code == 404 and "尚未导入衢政办发〔2020〕21号" in response.json()["error"]
