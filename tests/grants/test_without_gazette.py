"""Before the gazette is imported there are no items (404), except the 2019 rule of 三."""

import pytest

pytestmark = pytest.mark.django_db


def test_without_the_gazette(db, client, make_staff):
    client.force_login(make_staff("jx", "经信"))
    assert client.get("/api/grants/items", {"project_year": "2020"}).status_code == 404
    assert client.get("/api/grants/items", {"project_year": "2019"}).json()["items"] == []
    assert client.get("/api/grants/calc", {"item": "added-1", "amount": "1"}).status_code == 404
