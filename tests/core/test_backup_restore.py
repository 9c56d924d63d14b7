"""Backup and restore (issue 13 §6; GB/T 22239-2019 8.1.4.9 数据备份恢复).

``make backup`` dumps with pg_dump and a SHA-256 sidecar; ``make restore FILE=…`` restores
into an empty database only. The round trip is checked on a fresh database: every table
holds the same number of rows, and the encrypted resident IDs decrypt to the numbers stored.
"""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from apps.core import backup, resident_id

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
needs_postgres = pytest.mark.skipif(
    not POSTGRES, reason="pg_dump/pg_restore need PostgreSQL (an SQLite install copies db.sqlite3)")


def test_a_changed_dump_is_refused_before_anything_is_restored(tmp_path):
    dump = tmp_path / "qzgov.dump"
    dump.write_bytes(b"PGDMP pretend dump")
    with pytest.raises(backup.BackupError, match="缺少校验文件"):
        backup.verify(dump)
    backup.sidecar(dump).write_text(f"{backup.sha256_of(dump)}  qzgov.dump\n")
    assert backup.verify(dump) == backup.sha256_of(dump)
    dump.write_bytes(b"PGDMP pretend dump, one byte changed")
    with pytest.raises(backup.BackupError, match="校验值不符"):
        backup.verify(dump)


def _counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = sorted(row[0] for row in cursor.fetchall())
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_restores_into_a_fresh_database_with_every_row_and_readable_ids(tmp_path, regions):
    import psycopg

    from apps.doctors.models import Doctor
    from apps.subsidies.models import Beneficiary

    numbers = [resident_id.compose("330802", "19600101", n) for n in range(3)]
    for n, number in enumerate(numbers):
        Beneficiary.objects.create(name=f"备份{n}", resident_id=number,
                                   resident_id_digest=resident_id.digest(number),
                                   region=regions["330802"], residence="urban")
    Doctor.objects.create(name="备份医师", resident_id=numbers[0],
                          resident_id_digest=resident_id.digest(numbers[0]),
                          certificate_number="BK-0001", qualification=Doctor._meta.get_field(
                              "qualification").choices[0][0])

    dump = backup.backup(tmp_path / "backups")
    assert dump.stat().st_mode & 0o777 == 0o600
    assert oct((tmp_path / "backups").stat().st_mode & 0o777) == "0o700"
    assert backup.sidecar(dump).read_text() == f"{backup.sha256_of(dump)}  {dump.name}\n"

    source = connection.settings_dict["NAME"]
    fresh = f"{source}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}"')
        cursor.execute(f'CREATE DATABASE "{fresh}" TEMPLATE template0 ENCODING \'UTF8\'')
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + fresh).geturl()
    try:
        env = {**os.environ, "DATABASE_URL": url}
        restored = subprocess.run([sys.executable, "manage.py", "restore_database", str(dump)],
                                  cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stderr
        assert "解密检查:" in restored.stdout

        # A second restore onto the now populated database is refused, nothing touched.
        again = subprocess.run([sys.executable, "manage.py", "restore_database", str(dump)],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode != 0 and "不是空库" in again.stderr

        with connection.cursor() as cursor:
            before = _counts(cursor)
        with psycopg.connect(url) as other, other.cursor() as cursor:
            after = _counts(cursor)
            cursor.execute("SELECT name, resident_id, resident_id_digest FROM subsidies_beneficiary "
                           "ORDER BY name")
            rows = cursor.fetchall()
        assert after == before
        assert before["subsidies_beneficiary"] == 3 and before["doctors_doctor"] == 1
        assert [resident_id.decrypt(token) for _, token, _ in rows] == numbers
        assert [digest for _, _, digest in rows] == [resident_id.digest(n) for n in numbers]
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
