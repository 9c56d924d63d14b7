"""Retention of the audit trail, login and session records (issue 11 §7; GB/T 22239-2019
8.1.4.3 c: 审计记录应进行保护,定期备份; 网络安全法 第二十一条: 留存网络日志不少于六个月).

Audit rows (logins included) and session records stay in the database for
``AUDIT_RETENTION_DAYS`` (≥ 183). The nightly job writes older audit rows to a dated file
(JSON lines, 0600) under ``AUDIT_ARCHIVE_DIR`` with a ``.sha256`` beside it, reads the file
back and compares the checksum, and only then removes exactly the archived rows; it also
removes session records past the period and runs ``clearsessions``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

# Deleting archived audit rows is allowed only inside ``archiving_rows()`` (defined beside the
# audit queryset it guards, so the model needs no import of this module).
from .models import archiving_rows


class ArchiveError(RuntimeError):
    """The archive file could not be verified: nothing was removed."""


def _row(event) -> dict:
    return {
        "id": event.pk, "at": event.at.isoformat(), "actor_id": event.actor_id,
        "actor_name": event.actor_name, "action": event.action, "model": event.model,
        "object_id": event.object_id, "object_repr": event.object_repr, "changes": event.changes,
        "note": event.note, "region_id": event.region_id,
        "regions": sorted(r.pk for r in event.regions.all()), "attachment": event.attachment,
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def archive_audit(*, now: dt.datetime | None = None, verify=None):
    """Archive audit rows older than the retention period; returns the ``AuditArchive`` or
    None when nothing is old enough. ``verify(path) -> str`` re-reads the checksum (tests
    inject a failing one)."""
    from . import audit
    from .models import AuditArchive, AuditEvent

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    events = list(AuditEvent.objects.filter(at__lt=cutoff).order_by("id")
                  .prefetch_related("regions"))
    if not events:
        return None
    lines = "".join(json.dumps(_row(e), ensure_ascii=False, sort_keys=True) + "\n" for e in events)
    data = lines.encode("utf-8")
    expected = hashlib.sha256(data).hexdigest()
    folder = Path(settings.AUDIT_ARCHIVE_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M%S")
    path = folder / f"audit-{stamp}-{events[0].pk}-{events[-1].pk}.jsonl"
    _write_private(path, data)
    _write_private(path.with_name(path.name + ".sha256"), f"{expected}  {path.name}\n".encode())
    actual = (verify or _sha256)(path)
    if actual != expected:
        audit.record(AuditEvent.Action.ARCHIVE, actor=None, model=AuditEvent,
                     note=f"审计归档校验失败,未删除任何记录:{path.name}")
        raise ArchiveError(f"{path}: SHA-256 {actual} ≠ {expected}; no rows removed")
    ids = [e.pk for e in events]
    with transaction.atomic(), archiving_rows():
        archive = AuditArchive.objects.create(
            cutoff=cutoff, path=str(path), sha256=expected, rows=len(ids),
            first_id=ids[0], last_id=ids[-1])
        for start in range(0, len(ids), 500):
            AuditEvent.objects.filter(pk__in=ids[start:start + 500]).delete()
    audit.record(AuditEvent.Action.ARCHIVE, actor=None, model=AuditEvent, obj=archive,
                 note=f"{len(ids)}条早于 {timezone.localtime(cutoff):%Y-%m-%d} 的审计记录已归档至 "
                      f"{path.name}(SHA-256 {expected[:16]}…,已核验)")
    return archive


def purge_sessions(*, now: dt.datetime | None = None) -> int:
    """Session records older than the retention period (ended ones only), then expired
    Django sessions (``clearsessions``)."""
    from .models import UserSession

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    removed, _ = UserSession.objects.filter(started_at__lt=cutoff).exclude(ended_at=None).delete()
    call_command("clearsessions")
    return removed


def nightly(*, now: dt.datetime | None = None) -> dict:
    archive = archive_audit(now=now)
    return {"archived": archive.rows if archive else 0, "sessions_removed": purge_sessions(now=now)}
