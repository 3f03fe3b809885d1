"""``python -m askbrief.cli``: the same as the ``askbrief`` command."""

import sys

from .main import main

sys.exit(main())
