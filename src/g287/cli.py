"""The ``g287`` command: the project's Django manage command.

``g287 migrate``, ``g287 runserver`` and the project's own commands (``g287 import ice-sheets``,
``g287 registry stats``, ``g287 scenario run`` …) are Django management commands.
"""

import gc
import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "g287.settings")
    args = ["g287", *(sys.argv[1:] if argv is None else argv)]
    import django
    from django.core.management import execute_from_command_line

    # Django's start builds a few hundred thousand objects that live as long as the process. The cyclic collector
    # finds no garbage among them, yet each full collection scans them all again (a fifth of a small import's
    # time): they are built with the collector paused, then frozen out of its sight. The server loads the apps
    # itself (its reloader waits for a fix when they fail to load).
    if args[1:2] != ["runserver"]:
        gc.disable()
        try:
            django.setup()
        finally:
            gc.freeze()
            gc.enable()
    try:
        execute_from_command_line(args)
    finally:
        # The interpreter's shutdown runs the collector over everything the command leaves behind; the process
        # frees it all as it exits, so nothing is left to collect.
        gc.freeze()


if __name__ == "__main__":
    main()
