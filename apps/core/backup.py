"""Backup and restore of the PostgreSQL database (issue 13 §6; 等保 GB/T 22239-2019 8.1.4.9
数据备份恢复: 应提供重要数据的本地数据备份与恢复功能).

``backup`` writes ``pg_dump --format=custom`` to a private file (0600 in a 0700 directory)
with a ``.sha256`` sidecar in ``sha256sum`` format; ``restore`` checks the sidecar and
restores into an *empty* database only, then checks that a stored resident ID decrypts with
this installation's ``RESIDENT_ID_KEY`` — the dump holds the IDs encrypted, never the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from django.db import connections

KEY_REMINDER = ("提示:备份中的公民身份号码是加密存储的,恢复后须使用同一个 RESIDENT_ID_KEY 才能读取;"
                "该密钥不在备份文件中,请另行妥善保管(与备份分开存放)。")


class BackupError(Exception):
    """A backup or restore refused or failed; the message is for staff (Chinese)."""


def _pg(using: str = "default") -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for the PostgreSQL client tools."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise BackupError("备份与恢复只支持 PostgreSQL(SQLite 请直接复制数据库文件)")
    settings = connection.settings_dict
    args = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"找不到 {name}(请安装 PostgreSQL 客户端工具,版本不低于服务器)")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def backup(directory: Path, *, using: str = "default") -> Path:
    """Dump the database to ``directory/qzgov-<db>-<UTC time>.dump`` and its checksum."""
    args, env = _pg(using)
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    name = connections[using].settings_dict["NAME"]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"qzgov-{name}-{stamp}.dump"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)
    result = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                             "--file", str(target), *args], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump 失败:{result.stderr.strip()}")
    check = sidecar(target)
    fd = os.open(check, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(f"{sha256_of(target)}  {target.name}\n")
    return target


def verify(path: Path) -> str:
    """The dump's SHA-256 when it matches its sidecar; BackupError otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在:{path}")
    check = sidecar(path)
    if not check.is_file():
        raise BackupError(f"缺少校验文件 {check.name},不恢复")
    expected = check.read_text().split()[0].strip().lower()
    actual = sha256_of(path)
    if actual != expected:
        raise BackupError(f"校验值不符(文件已损坏或被改动):期望 {expected},实际 {actual},不恢复")
    return actual


def user_tables(using: str = "default") -> list[str]:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                       "ORDER BY tablename")
        return [row[0] for row in cursor.fetchall()]


def restore(path: Path, *, using: str = "default") -> None:
    """Restore a verified dump into the (empty) database of ``using``."""
    args, env = _pg(using)
    verify(path)
    existing = user_tables(using)
    if existing:
        raise BackupError(f"目标数据库不是空库(已有 {len(existing)} 张表,例如 {existing[0]}),"
                          f"只恢复到新建的空数据库")
    connections[using].close()
    result = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges",
                             "--exit-on-error", "--single-transaction", *args, str(path)],
                            env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore 失败(未写入任何数据):{result.stderr.strip()}")


def ids_readable(using: str = "default", sample: int = 20) -> tuple[int, int]:
    """(checked, decrypted) over a sample of stored resident IDs of every encrypted column."""
    from django.apps import apps

    from . import resident_id
    from .fields import ResidentIdField

    checked = decrypted = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, ResidentIdField):
                continue
            with connections[using].cursor() as cursor:
                cursor.execute(f'SELECT "{field.column}" FROM "{model._meta.db_table}" '
                               f'WHERE "{field.column}" <> \'\' LIMIT %s', [sample])
                for (token,) in cursor.fetchall():
                    checked += 1
                    try:
                        if resident_id.is_valid(resident_id.decrypt(token)):
                            decrypted += 1
                    except Exception:  # noqa: BLE001 - a wrong key is what we report
                        pass
    return checked, decrypted
