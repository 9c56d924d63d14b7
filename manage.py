#!/usr/bin/env python
"""Django's command-line utility for qzgov."""
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qzgov.settings")
    from django.core.management import execute_from_command_line

    # Every command, Django's own included (createsuperuser, loaddata, changepassword …), is
    # recorded in the audit trail as 系统 with the command and the operating-system user.
    command = sys.argv[1] if len(sys.argv) > 1 else "help"
    if command in {"runserver", "shell", "test", "help"}:
        execute_from_command_line(sys.argv)
        return
    import django

    django.setup()
    from apps.core import authority

    with authority.acting_as(None, origin=authority.command_origin(command)):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
