import datetime as dt

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, models

from apps.core import resident_id
from apps.core.fields import ResidentIdDigestField, ResidentIdField

# 柯城区, born 1980-01-01: sum(d*w) over 33080219800101012 with the GB 11643 weights is
# 177; 177 % 11 = 1 → check character "0".
KNOWN = "330802198001010120"


def test_checksum_of_known_numbers():
    assert resident_id.check_char("33080219800101012") == "0"
    assert resident_id.validate(KNOWN) == KNOWN
    # The worked example printed in GB 11643-1999 itself.
    assert resident_id.validate("11010519491231002X") == "11010519491231002X"


def test_x_check_character_and_lower_case_input():
    number = resident_id.compose("330881", "19750615", 31)
    first17 = number[:17]
    assert resident_id.validate(first17 + resident_id.check_char(first17).lower()) == number


@pytest.mark.parametrize("value,code", [
    ("330802198001010127", "checksum"),
    ("33080219800101012", "length"),
    ("33080219801301012X", "birth"),  # month 13
    ("330802199002300127", "birth"),  # 30 February
    ("990802198001010127", "region"),  # no province 99
    ("330802A98001010127", "chars"),
    ("33080219800101012²", "chars"),
    ("３３０８０２198001010120", "chars"),
])
def test_invalid_numbers_are_rejected_with_the_reason(value, code):
    with pytest.raises(ValidationError) as error:
        resident_id.validate(value)
    assert error.value.code == code
    assert "公民身份号码" in error.value.messages[0]


def test_future_birth_date_is_rejected():
    number = resident_id.compose("330802", "20991231", 1)
    with pytest.raises(ValidationError):
        resident_id.validate(number, today=dt.date(2026, 11, 27))


def test_mask_keeps_region_and_last_four():
    assert resident_id.mask("33080219800101123X") == "330802********123X"
    assert resident_id.mask("") == ""


def test_encryption_round_trip_and_random_nonce():
    a, b = resident_id.encrypt(KNOWN), resident_id.encrypt(KNOWN)
    assert a != b and KNOWN not in a
    assert resident_id.decrypt(a) == resident_id.decrypt(b) == KNOWN


def test_digest_is_keyed_and_stable(settings):
    first = resident_id.digest(KNOWN)
    assert first == resident_id.digest(KNOWN.lower())
    settings.RESIDENT_ID_KEY = "another-key-for-this-test"
    assert resident_id.digest(KNOWN) != first


class Citizen(models.Model):
    name = models.CharField(max_length=20)
    resident_id = ResidentIdField()
    resident_id_digest = ResidentIdDigestField(unique=True)

    class Meta:
        app_label = "core"
        managed = False  # created by the fixture below; kept out of DB serialisation

    def __str__(self) -> str:
        return self.name


@pytest.fixture
def citizen_table(django_db_serialized_rollback, transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(Citizen)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(Citizen)


def test_database_holds_no_plaintext_and_lookup_uses_the_digest(citizen_table):
    Citizen.objects.create(name="张三", resident_id=KNOWN)
    Citizen.objects.bulk_create([Citizen(name="李四", resident_id=resident_id.compose("330803", "19900101", 2))])
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id, resident_id_digest FROM core_citizen")
        stored = cursor.fetchall()
    assert all(KNOWN not in row[0] and row[0].startswith("v1:") for row in stored)
    found = Citizen.objects.get(resident_id_digest=resident_id.digest(KNOWN))
    assert found.name == "张三" and found.resident_id == KNOWN
    with pytest.raises(FieldError):
        list(Citizen.objects.filter(resident_id=KNOWN))


def test_field_validation_on_full_clean(citizen_table):
    citizen = Citizen(name="王五", resident_id="330802198001010127")
    with pytest.raises(ValidationError) as error:
        citizen.full_clean()
    assert "校验码" in str(error.value)


def test_exports_mask_ids_unless_the_role_may_see_them(citizen_table, minzheng_user, auditor_user):
    from import_export import resources

    from apps.core.models import AuditEvent
    from apps.core.resources import ResidentIdExportMixin

    class CitizenResource(ResidentIdExportMixin, resources.ModelResource):
        class Meta:
            model = Citizen
            fields = ["name", "resident_id"]

    Citizen.objects.create(name="张三", resident_id=KNOWN)
    masked = CitizenResource(user=auditor_user).export()
    assert masked.dict == [{"name": "张三", "resident_id": "330802********0120"}]
    full = CitizenResource(user=minzheng_user).export()
    assert full.dict[0]["resident_id"] == KNOWN
    event = AuditEvent.objects.latest("id")
    assert event.actor == minzheng_user and "完整公民身份号码" in event.note
    assert CitizenResource().export().dict[0]["resident_id"].startswith("330802****")
