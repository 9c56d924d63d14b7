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
