"""The package's layers: imports flow documents ← search ← answers ← session ← faces, one way.

Every ``import`` in ``src/askbrief`` (at module level or inside a function) is parsed and placed in
a layer; an import of a higher layer fails, and so does ``textual`` anywhere but ``askbrief.tui``.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

SRC = REPO / "src" / "askbrief"

# Lowest first. Modules of one layer may import each other; a module may import any lower layer.
LAYERS: dict[str, int] = {
    "types": 0,
    "errors": 0,
    "config": 0,
    "cancel": 0,
    "resources": 0,
    "plugins": 0,
    "conversations": 0,
    "data": 0,
    "documents": 1,
    "backends": 2,
    "search": 2,
    "answers": 3,
    "session": 4,
    "api": 4,  # the Python API beside session: askbrief.open() -> Corpus
    "cli": 5,
    "tui": 5,
    "mcp": 5,
    "": 5,  # the package's front door, askbrief/__init__.py
}
UI_ONLY = {"textual": "tui"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """Each absolute module name ``path`` imports, with its line."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # "from . import x" imports the submodule x
            if not node.module:
                found.extend((node.lineno, f"{target}.{a.name}") for a in node.names)
    return found


def layer_of(module: str) -> tuple[str, int] | None:
    """The top-level part of an askbrief module and its layer; None for other packages."""
    if module != "askbrief" and not module.startswith("askbrief."):
        return None
    head = module.split(".")[1] if "." in module else ""
    if head not in LAYERS:
        return None  # a name imported from a package, such as ``from askbrief import __version__``
    return head, LAYERS[head]


def violations(root: Path) -> list[str]:
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        me = module_name(path, root)
        mine = layer_of(me)
        if mine is None:
            problems.append(f"{me}: module outside every layer; add it to LAYERS")
            continue
        for line, target in imported_modules(path, root):
            top = target.split(".")[0]
            if top in UI_ONLY and mine[0] != UI_ONLY[top]:
                problems.append(f"{me}:{line} imports {target}, which only askbrief.tui may")
            theirs = layer_of(target)
            if theirs is not None and theirs[1] > mine[1]:
                problems.append(f"{me}:{line} imports {target}, a higher layer ({theirs[0]})")
    return problems


def test_every_import_flows_down_the_layers() -> None:
    assert violations(SRC) == []


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("documents/corpus.py", "from ..search.index import Index"),
        ("search/scoring.py", "from askbrief.answers import compose"),
        ("answers/compose.py", "from ..session import Session"),
        ("config.py", "from .documents import corpus"),
        ("search/index.py", "import textual.app"),
        ("cli/main.py", "from textual.widgets import Input"),
        ("session.py", "def late():\n    from .tui.app import run_app\n"),
    ],
)
def test_an_upward_or_ui_import_is_caught(tmp_path: Path, module: str, line: str) -> None:
    copy = tmp_path / "askbrief"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    target = copy / module
    target.write_text(target.read_text() + "\n" + line + "\n")
    found = violations(copy)
    assert len(found) == 1 and found[0].startswith(module_name(target, copy)), found


def test_core_does_not_import_textual() -> None:
    code = (
        "import sys, askbrief.session, askbrief.cli.main, askbrief.search.library\n"
        "import askbrief.answers.compose\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
        "assert 'scipy' not in sys.modules, 'scipy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
