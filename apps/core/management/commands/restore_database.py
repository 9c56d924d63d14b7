"""``make restore FILE=…``: checks the sidecar, restores into an empty database only, then
checks that stored resident IDs decrypt with this RESIDENT_ID_KEY (issue 13 §6)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core import backup


class Command(BaseCommand):
    help = "从备份恢复到空的 PostgreSQL 数据库(先核对 .sha256 校验文件)"

    def add_arguments(self, parser):
        parser.add_argument("file", help="make backup 生成的 .dump 文件")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            backup.restore(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = backup.user_tables()
        checked, decrypted = backup.ids_readable()
        self.stdout.write(f"恢复完成:{len(tables)} 张表")
        if checked and decrypted < checked:
            raise CommandError(f"已恢复,但 {checked - decrypted}/{checked} 个公民身份号码无法解密:"
                               f"RESIDENT_ID_KEY 与备份时不同。{backup.KEY_REMINDER}")
        self.stdout.write(f"公民身份号码解密检查:{decrypted}/{checked} 通过")
