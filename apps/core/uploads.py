"""Private storage for uploaded files between upload and use (issue 9 §7).

A client-supplied file name or path is never trusted: an upload is stored under a random
token (``secrets.token_hex``) in ``settings.IMPORT_DIR`` (directory mode 0700, files 0600),
bound to the uploading user — only that user (or 系统 for a job started without one) can
read it back. Files are removed when the import is confirmed or cancelled, and a nightly
task (``core.purge_uploads``) removes whatever is left after 24 hours.

Multi-host deployments: the web process stores the file and the Celery worker reads it, so
``IMPORT_DIR`` must be one directory both see (a shared private mount), or web and worker
must run on one host.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

from .authority import AuthorityError

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
DEFAULT_MAX_AGE = 24 * 3600


class UploadMissing(FileNotFoundError):
    """The upload expired (nightly cleanup) or was already used."""


def upload_dir() -> Path:
    """``IMPORT_DIR``, created private (0700) if missing."""
    path = Path(settings.IMPORT_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def _paths(token: str) -> tuple[Path, Path]:
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise UploadMissing("上传文件编号无效")
    base = upload_dir()
    return base / f"{token}.bin", base / f"{token}.json"


def _user_id(user):
    return user.pk if getattr(user, "is_authenticated", False) else None


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def store_upload(data: bytes, *, user, suffix: str = ".bin", bound: dict | None = None) -> str:
    """Keep ``data`` for ``user`` under a random name; returns the token to read it back.

    ``suffix`` (e.g. ``.xlsx``) is kept as metadata only, never as part of a path. ``bound``
    (JSON: the original file name, the import kind and options a preview was made with) stays
    server side with the bytes, so a later confirm reads them from here, not from a form a
    client could change (issue 14 §4)."""
    token = secrets.token_hex(16)
    content, meta = _paths(token)
    _write_private(content, bytes(data))
    suffix = suffix if isinstance(suffix, str) and _SUFFIX.match(suffix) else ".bin"
    _write_private(meta, json.dumps({"user": _user_id(user), "suffix": suffix,
                                     "size": len(data), "bound": bound or {}}).encode())
    return token


def _meta(token: str) -> dict:
    _, meta = _paths(token)
    try:
        return json.loads(meta.read_text())
    except FileNotFoundError as exc:
        raise UploadMissing("上传的文件已过期,请重新上传") from exc


def upload_owner(token: str):
    """The user id the upload is bound to (``None`` = 系统)."""
    return _meta(token)["user"]


def upload_bound(token: str, *, user) -> dict:
    """What was bound to the upload when it was stored (``store_upload(bound=…)``), only for
    the user who uploaded it."""
    meta = _meta(token)
    if meta["user"] != _user_id(user):
        raise AuthorityError("该上传文件不是您上传的,不能读取")
    return meta.get("bound") or {}


def read_upload(token: str, *, user) -> bytes:
    """The stored bytes, only for the user who uploaded them."""
    content, _ = _paths(token)
    if upload_owner(token) != _user_id(user):
        raise AuthorityError("该上传文件不是您上传的,不能读取")
    try:
        return content.read_bytes()
    except FileNotFoundError as exc:
        raise UploadMissing("上传的文件已过期,请重新上传") from exc


def claim_upload(token: str, *, user) -> bytes:
    """Take the stored bytes for their one use (a confirm): only the uploading user, and only
    once — the file is renamed away atomically first, so of two confirms sent at once (a
    double click) exactly one reads it and the other is told it was already used."""
    return claim_bound(token, user=user)[0]


def claim_bound(token: str, *, user) -> tuple[bytes, dict]:
    """``claim_upload`` with what was bound to the upload (``store_upload(bound=…)``)."""
    content, meta_path = _paths(token)
    try:
        meta = _meta(token)
    except UploadMissing as exc:
        raise UploadMissing("该文件已导入或已过期,请重新上传") from exc
    if meta["user"] != _user_id(user):
        raise AuthorityError("该上传文件不是您上传的,不能读取")
    claimed = content.with_name(f"{token}.{secrets.token_hex(8)}.claimed")
    try:
        os.rename(content, claimed)
    except FileNotFoundError as exc:
        raise UploadMissing("该文件已导入或已过期,请重新上传") from exc
    try:
        return claimed.read_bytes(), meta.get("bound") or {}
    finally:
        claimed.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)


def discard_upload(token: str) -> None:
    """Remove a stored upload (confirm or cancel); a missing one is fine."""
    try:
        paths = _paths(token)
    except UploadMissing:
        return
    for path in paths:
        path.unlink(missing_ok=True)


def purge_uploads(older_than: float = DEFAULT_MAX_AGE) -> int:
    """Remove uploads older than ``older_than`` seconds (nightly); returns files removed."""
    limit = time.time() - older_than
    removed = 0
    for path in upload_dir().iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


INLINE_MAX_BYTES = 1024 * 1024  # IMPORT_INLINE_MAX_BYTES
INLINE_MAX_ROWS = 5000  # IMPORT_INLINE_MAX_ROWS


def _inline_limits() -> tuple[int, int]:
    return (int(getattr(settings, "IMPORT_INLINE_MAX_BYTES", INLINE_MAX_BYTES)),
            int(getattr(settings, "IMPORT_INLINE_MAX_ROWS", INLINE_MAX_ROWS)))


def _is_xlsx(filename: str) -> bool:
    return Path(filename or "").suffix.lower() in (".xlsx", ".xlsm")


def inline_limit_text(filename: str) -> str:
    """The inline limit (``validate_in_worker``) as staff read it: 1024KB或5000行 for a CSV,
    256KB for an XLSX (it counts four times its size)."""
    max_bytes, max_rows = _inline_limits()
    if _is_xlsx(filename):
        return f"XLSX文件{max(max_bytes // 4 // 1024, 1)}KB"
    return f"{max(max_bytes // 1024, 1)}KB或{max_rows}行"


def validate_in_worker(data: bytes, filename: str) -> bool:
    """Whether an uploaded import is large enough that its whole-file validation runs in the
    worker with a progress page rather than in the upload request (issue 11 §3): more than
    ``IMPORT_INLINE_MAX_BYTES`` (an XLSX counts four times its size: it is compressed and
    costlier to read), or a CSV with more than ``IMPORT_INLINE_MAX_ROWS`` lines."""
    max_bytes, max_rows = _inline_limits()
    if _is_xlsx(filename):
        return len(data) * 4 > max_bytes
    return len(data) > max_bytes or data.count(b"\n") > max_rows
