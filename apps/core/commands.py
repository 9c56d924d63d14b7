"""``ActorCommand``: management commands act as a named staff user or as 系统 (issue 9 §1).

``--as USERNAME`` runs the command as that staff user, checked like any other write; without
it the command acts as 系统 and the audit trail records the command and the operating-system
user who ran it, so existing scripts and schedules keep working and every run is attributable.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from . import authority


class ActorCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", default=None,
                            help="以该工作人员身份执行(按其权限检查);不填则以“系统”身份执行并记录操作系统用户")
        self._subcommand = subcommand
        return parser

    def execute(self, *args, **options):
        actor = authority.command_actor(options.get("as_user"))
        self.actor = actor
        name = getattr(self, "_subcommand", None) or self.__module__.rsplit(".", 1)[-1]
        with authority.acting_as(actor, origin=authority.command_origin(name)):
            return super().execute(*args, **options)


class ImportFileCommand(ActorCommand):
    """``manage.py <command> [KIND] FILE [--as USERNAME]`` for a whole-file import (issue 15
    Common, issue 14 §4): the subclass names ``import_file(data=, filename=, actor=)`` (with
    ``kind=`` when it lists ``kinds``, the first argument's choices) returning
    ``{label: count}``; a refused file prints every ``第N行:…`` and exits 1 (``CommandError``).

    Optional: ``add_options(parser)`` adds flags, whose values named in ``option_names`` reach
    ``import_file`` as keyword arguments; ``refusals`` are further exceptions said as the
    command's error (e.g. a bad month); ``report(outcome)`` writes the outcome (default: the
    ``summary`` line); ``refusal_on_stderr`` writes the 第N行 list to stderr and keeps the
    error to its first line."""

    counted = "条"
    kinds: list[str] = []
    option_names: list[str] = []
    refusals: tuple[type[Exception], ...] = ()
    refusal_on_stderr = False

    def import_file(self, *, data: bytes, filename: str, actor, **kind) -> dict[str, int]:
        raise NotImplementedError

    def summary(self, counts: dict[str, int]) -> str:
        return "导入完成:" + ",".join(f"{k}{v}{self.counted}" for k, v in counts.items())

    def report(self, outcome) -> None:
        self.stdout.write(self.summary(outcome))

    def add_options(self, parser) -> None:
        pass

    def add_arguments(self, parser):
        if self.kinds:
            parser.add_argument("kind", choices=list(self.kinds))
        parser.add_argument("file")
        self.add_options(parser)

    def handle(self, *args, file, kind=None, **options):
        from pathlib import Path

        from django.core.management.base import CommandError

        from .tabular import ImportRejected

        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在:{file}")
        try:
            outcome = self.import_file(data=path.read_bytes(), filename=path.name, actor=self.actor,
                                       **({"kind": kind} if self.kinds else {}),
                                       **{name: options.get(name) for name in self.option_names})
        except ImportRejected as exc:
            if self.refusal_on_stderr:
                self.stderr.write(exc.report())
                raise CommandError(str(exc)) from exc
            raise CommandError(exc.report()) from None
        except (authority.AuthorityError, *self.refusals) as exc:
            raise CommandError(str(exc)) from exc
        self.report(outcome)
