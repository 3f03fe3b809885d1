"""The core is a library: importing it and answering never loads the UI."""

from __future__ import annotations

import subprocess
import sys


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys, askbrief.session, askbrief.cli, askbrief.library, askbrief.compose\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
        "assert 'scipy' not in sys.modules, 'scipy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
