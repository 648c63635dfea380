"""The `parindex` command: Django's management commands plus the project's own.

Hyphenated spellings are accepted (`parindex import-framework` runs `import_framework`).
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings.dev")
    # The command name (and the one after `help`) may be spelt with hyphens.
    name_positions = [1, 2] if len(argv) > 2 and argv[1] == "help" else [1]
    for position in name_positions:
        if len(argv) > position and not argv[position].startswith("-"):
            argv[position] = argv[position].replace("-", "_")
    argv[0] = "parindex"
    from parindex.history import new_request_id

    new_request_id("cli-")  # ties together the change-log rows of this run
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
