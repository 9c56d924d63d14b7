"""Fixtures of the ecology tests (the seed gazette comes from tests/conftest.py)."""

import pytest


@pytest.fixture
def ecology_user(make_staff):
    return make_staff("shengtai", "生态环境")
