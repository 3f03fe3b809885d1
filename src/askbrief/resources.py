"""Find the files askbrief ships: the sample corpus, prompt templates and tiktoken's encoding.

Installed from a wheel they live inside the package (``askbrief/seeds``); in a source checkout or
an editable install they are the top-level ``seeds/`` and ``prompts/`` folders of the repository.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

__all__ = ["bundled_dir", "data_file"]

_REPO_ROOT = Path(__file__).resolve().parents[2]


def bundled_dir(name: str) -> Path:
    """The folder ``seeds`` or ``prompts``, wherever this installation keeps it."""
    inside = Path(str(resources.files("askbrief"))) / name
    if inside.is_dir():
        return inside
    checkout = _REPO_ROOT / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"askbrief's bundled folder {name!r} is missing from this installation")


def data_file(name: str) -> Path:
    """A file under ``askbrief/data`` (always inside the package)."""
    return Path(str(resources.files("askbrief"))) / "data" / name
