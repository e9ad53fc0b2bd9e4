"""The `shomer` command: Django's management commands with Shomer's settings.

`shomer run`, `shomer analyze`, `shomer sla due`, `shomer bench`, ... are management
commands of the apps; `shomer migrate` and the other Django commands work too.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shomer.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shomer", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
