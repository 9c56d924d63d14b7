"""Before the gazette is imported there is no standard to price with."""

import pytest

pytestmark = pytest.mark.django_db


def test_without_the_gazette_there_is_no_standard(db, client, make_staff):
    client.force_login(make_staff("zy", "资源规划"))
    response = client.get("/api/land/compensation", dict(zone="1", land_type="耕地", area_mu="1"))
    assert response.status_code == 404 and "error" in response.json()


