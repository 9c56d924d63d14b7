"""Issue 14 §4 (review): what a preview was made with — the original file name, the kind and
the options — is bound to the stored upload (``uploads.store_upload(bound=…)``), read back
only by the uploader and taken once with the bytes at the confirm."""

import pytest

from apps.core import uploads
from apps.core.authority import AuthorityError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.IMPORT_DIR = tmp_path / "imports"


def test_the_bound_values_come_back_with_the_bytes_once(make_staff):
    clerk, other = make_staff("clerk-a", "民政"), make_staff("clerk-b", "民政")
    bound = {"file_name": "六月.csv", "kind": "beneficiaries", "options": {"from_month": "2020-06"}}
    token = uploads.store_upload(b"a,b\n", user=clerk, suffix=".csv", bound=bound)
    assert uploads.upload_bound(token, user=clerk) == bound
    with pytest.raises(AuthorityError):
        uploads.upload_bound(token, user=other)
    with pytest.raises(AuthorityError):
        uploads.claim_bound(token, user=other)
    assert uploads.claim_bound(token, user=clerk) == (b"a,b\n", bound)
    with pytest.raises(uploads.UploadMissing):
        uploads.claim_bound(token, user=clerk)  # used: a second confirm imports nothing


def test_an_upload_stored_without_bound_values_has_none(make_staff):
    clerk = make_staff("clerk-c", "民政")
    token = uploads.store_upload(b"x", user=clerk)
    assert uploads.upload_bound(token, user=clerk) == {}
    assert uploads.claim_upload(token, user=clerk) == b"x"
