"""``make backup``: pg_dump (custom format) + SHA-256 sidecar (issue 13 §6)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit, backup


class Command(BaseCommand):
    help = "备份 PostgreSQL 数据库(pg_dump 自定义格式 + .sha256 校验文件)"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="var/backups", help="备份目录(0700),默认 var/backups")

    def handle(self, *args, **options):
        try:
            path = backup.backup(Path(options["dir"]))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        digest = backup.sidecar(path).read_text().split()[0]
        audit.record("security", model="database", object_repr=path.name[:200],
                     note=f"数据库备份 {path.name} sha256={digest}")
        self.stdout.write(f"备份完成:{path}\n校验文件:{backup.sidecar(path)}\nSHA-256:{digest}")
        self.stdout.write(backup.KEY_REMINDER)
