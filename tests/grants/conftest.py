"""The seed gazette imported once per test module (each test still runs in its own savepoint).

Importing the seed takes seconds (every row is audited), so read-mostly modules share one
import: the module fixture opens a transaction that is rolled back when the module ends.
Browser and real-worker tests (transactional) use tests/conftest.py's ``imported_gazette``.
"""

import pytest
from django.conf import settings
from django.db import transaction


@pytest.fixture(scope="module")
def seed_gazette(django_db_setup, django_db_blocker):
    from apps.gazette.services import import_gazette

    text = settings.GAZETTE_PATH.read_text(encoding="utf-8")
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
        try:
            report = import_gazette(text=text, source_name="seed")
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield report
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def gazette(seed_gazette, db):
    """The seed as imported (shared by the module); changes made by a test are rolled back."""
    return seed_gazette
