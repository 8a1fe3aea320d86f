"""The ``g287`` command: the project's Django manage command.

``g287 migrate``, ``g287 runserver`` and the project's own commands (``g287 import ice-sheets``,
``g287 registry stats``, ``g287 scenario run`` …) are Django management commands.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["g287", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
