#!/usr/bin/env python
"""Same as the `parindex` command; kept for people who expect manage.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from parindex.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
