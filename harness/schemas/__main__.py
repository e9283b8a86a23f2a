"""``python -m harness.schemas``: rewrite the shipped schema files from the record classes."""
from __future__ import annotations

import sys
from pathlib import Path

from harness.schemas import write_all

for written in write_all(Path(__file__).parent):
    sys.stdout.write(f"{written}\n")
