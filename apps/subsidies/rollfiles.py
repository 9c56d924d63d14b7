"""Stored roll files (issue 13 §3): a county × department roll (六: 按职责分工发放) is built once
and its bytes served again, so a download costs a lookup and a decryption, not 35,000 rows.

A file's key is everything its bytes depend on: the run and its lines' version (an approved or
paid run's lines are locked by DB triggers; a draft's change only by a recompute, which sets
``computed_at``), the ``RollFileEpoch`` number (names, IDs, region codes and payment labels
printed beside the lines), the effective region and departments after the user's scope, the
format and masked/full. Stored bytes are zlib-compressed and sealed with AES-GCM under a key
derived from RESIDENT_ID_KEY (full-ID files hold plaintext resident IDs: never stored in
clear), the key string as associated data. In the database, so every web host shares them
(issue 13 §7)."""

from __future__ import annotations

import datetime as dt
import io
import os
import zlib
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from apps.core import resident_id, roles
from apps.core.models import Region

from . import exports, selectors
from .models import Department, RollFile, RollFileEpoch, RunTotal, SubsidyRun

_VERSION = b"v1"


class Scope:
    """The lines a download covers once the user's scope is applied: ``region_id`` (None: the
    whole city) and ``departments`` (None: all). ``empty`` when the request and the scope do
    not meet (nothing to store)."""

    def __init__(self, region_id: int | None, departments: list[str] | None, empty: bool = False):
        self.region_id, self.departments, self.empty = region_id, departments, empty

    def label(self) -> str:
        return (f"r{self.region_id or '*'}:"
                f"d{','.join(sorted(self.departments)) if self.departments else '*'}")


def scope_for(user, *, region=None, department: str | None = None) -> Scope:
    """What ``exports.roll_rows(run, user=user, region=region, department=department)``
    selects, as a key: the county scope (``roles.user_region``) and the paying departments
    (``selectors.user_departments``) intersected with the request."""
    own = roles.user_region(user) if user is not None else None
    allowed = selectors.user_departments(user) if user is not None else None
    if own is not None and region is not None and region.pk != own.pk:
        return Scope(None, None, empty=True)
    region_id = region.pk if region is not None else (own.pk if own is not None else None)
    if department:
        if allowed is not None and department not in allowed:
            return Scope(None, None, empty=True)
        return Scope(region_id, [department])
    return Scope(region_id, sorted(allowed) if allowed is not None else None)


def epoch() -> int:
    """The current ``RollFileEpoch`` number."""
    value = RollFileEpoch.objects.filter(pk=1).values_list("value", flat=True).first()
    return value or 0


def bump(reason: str, *, using: str = "default") -> None:
    """Make every stored roll file stale: call in the transaction that changes what rolls
    print besides their lines (a name, an ID, a region code, a payment label)."""
    epochs = RollFileEpoch.objects.using(using)
    if not epochs.filter(pk=1).update(value=F("value") + 1, reason=reason[:100],
                                      changed_at=timezone.now()):
        epochs.get_or_create(pk=1, defaults={"value": 1, "reason": reason[:100]})


def key_fingerprint() -> str:
    """A short one-way mark of the current RESIDENT_ID_KEY: a rotated key gives files a new
    version, so files sealed under the old key are rebuilt and replaced, not read in vain."""
    import hashlib

    return hashlib.sha256(b"qzgov-roll-file-key:" + resident_id._current_keys()[0]).hexdigest()[:12]


def lines_version(run: SubsidyRun) -> str:
    stamp = run.computed_at.isoformat() if run.computed_at else "none"
    return f"{run.pk}:{stamp}:e{epoch()}:k{key_fingerprint()}"


def file_key(run: SubsidyRun, scope: Scope, *, fmt: str, masked: bool,
             version: str | None = None) -> str:
    return (f"{version or lines_version(run)}:{scope.label()}:{fmt}:"
            f"{'masked' if masked else 'full'}")


@lru_cache(maxsize=4)
def _aead(id_key: bytes):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"qzgov-roll-file",
               info=b"v1").derive(id_key)
    return AESGCM(key)


def _cipher():
    return _aead(resident_id._current_keys()[0])


def seal(data: bytes, key: str) -> bytes:
    nonce = os.urandom(12)
    return _VERSION + nonce + _cipher().encrypt(nonce, zlib.compress(data, 6), key.encode())


def unseal(blob: bytes, key: str) -> bytes:
    """The file's bytes; raises ``ValueError`` when ``blob`` was not sealed under ``key`` with
    the current RESIDENT_ID_KEY (a rotated key: the caller rebuilds)."""
    from cryptography.exceptions import InvalidTag

    blob = bytes(blob)
    if blob[:2] != _VERSION:
        raise ValueError("unknown roll file version")
    try:
        return zlib.decompress(_cipher().decrypt(blob[2:14], blob[14:], key.encode()))
    except InvalidTag as exc:
        raise ValueError("roll file not sealed under this key") from exc


def render(rows, *, fmt: str) -> tuple[bytes, int]:
    """The file's bytes as the download writes them (``exports.write_table``)."""
    buffer = io.BytesIO()
    count = exports.write_table(buffer, exports.ROLL_HEADERS, rows, fmt=fmt)
    return buffer.getvalue(), count


def _stale_files(run: SubsidyRun, version: str):
    """The run's stored files of other versions than ``version`` (its earlier lines, an earlier
    epoch, another key): never read again."""
    return RollFile.objects.filter(run=run).exclude(key__startswith=version + ":")


def _store(run: SubsidyRun, key: str, version: str, data: bytes, rows: int) -> None:
    with transaction.atomic():
        _stale_files(run, version).delete()
        # A row under the same key that could not be read (``stored``) is replaced.
        RollFile.objects.bulk_create([RollFile(run=run, key=key, rows=rows,
                                               data=seal(data, key))],
                                     update_conflicts=True, unique_fields=["key"],
                                     update_fields=["data", "rows", "built_at"])


def prune_stale(*, keep_recent=dt.timedelta(hours=1)) -> int:
    """Nightly: delete every stored file no download can read again — built from a run's earlier
    lines, under an earlier ``RollFileEpoch`` or another RESIDENT_ID_KEY (``_store`` prunes a
    run only when that run stores a new file; a run nobody downloads again kept its stale
    files). A file built in the last ``keep_recent`` is kept: a recompute or a rename committed
    during the prune must not lose the file stored just after it (review finding), whatever the
    clocks of the hosts. Every host must hold the same RESIDENT_ID_KEY (the key's fingerprint is
    in the version). Returns the number of files deleted."""
    cutoff = timezone.now() - keep_recent
    deleted = 0
    for run_id in (RollFile.objects.filter(built_at__lt=cutoff).order_by()
                   .values_list("run_id", flat=True).distinct()):
        with transaction.atomic():
            run = SubsidyRun.objects.only("pk", "computed_at").get(pk=run_id)
            count, _ = _stale_files(run, lines_version(run)).filter(built_at__lt=cutoff).delete()
        deleted += count
    return deleted


def stored(key: str) -> tuple[bytes, int] | None:
    found = RollFile.objects.filter(key=key).values_list("data", "rows").first()
    if found is None:
        return None
    try:
        return unseal(found[0], key), found[1]
    except ValueError:
        return None


def roll_file(run: SubsidyRun, *, user, region=None, department: str | None = None,
              fmt: str = "csv", masked: bool = True) -> tuple[bytes, int]:
    """(bytes, rows) of the roll ``exports.roll_rows`` gives ``user``: the stored file when its
    lines still stand, else built now and stored (the first clerk pays; the worker's
    ``warm`` usually did)."""
    scope = scope_for(user, region=region, department=department)
    rows = exports.roll_rows(run, user=user, region=region, department=department, masked=masked)
    if scope.empty:
        return render(rows, fmt=fmt)
    version = lines_version(run)
    key = file_key(run, scope, fmt=fmt, masked=masked, version=version)
    found = stored(key)
    if found is not None:
        return found
    data, count = render(rows, fmt=fmt)
    _store(run, key, version, data, count)
    return data, count


def warm(run: SubsidyRun, *, formats=None, masks=(True, False)) -> int:
    """Build every county × department file of ``run`` not yet stored (the worker, after a run
    is computed or approved: the first clerk does not pay). Each roll's lines are read once for
    all formats and masks. ``formats`` defaults to ``settings.ROLL_FILES_WARM_FORMATS`` (CSV:
    a 97,000-line county XLSX takes ≈ 19 s of CPU to write, ≈ 1.3 s as CSV — every XLSX
    of a run would hold the worker ≈ 17 minutes; an XLSX is built on its first download).
    Returns the number of files built."""
    formats = formats or settings.ROLL_FILES_WARM_FORMATS
    version = lines_version(run)
    built = 0
    pairs = sorted(set(RunTotal.objects.filter(run=run).values_list("region_id", "department")))
    regions = Region.objects.in_bulk({region for region, _ in pairs})
    for region_id, department in pairs:
        if department not in Department.values:
            continue
        scope = Scope(region_id, [department])
        wanted = [(fmt, masked) for fmt in formats for masked in masks
                  if not RollFile.objects.filter(
                      key=file_key(run, scope, fmt=fmt, masked=masked, version=version)).exists()]
        if not wanted:
            continue
        full = list(exports.roll_rows(run, region=regions[region_id], department=department))
        masked_rows = [[resident_id.mask(row[0]), *row[1:]] for row in full]
        for fmt, masked in wanted:
            data, count = render(masked_rows if masked else full, fmt=fmt)
            _store(run, file_key(run, scope, fmt=fmt, masked=masked, version=version), version,
                   data, count)
            built += 1
    return built
