"""Copy the top-level seeds/ and prompts/ into the wheel, so an installed askbrief finds them
through importlib.resources (askbrief/seeds, askbrief/prompts). Everything else is in pyproject."""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent
BUNDLED = ("seeds", "prompts")


class BuildWithBundledData(build_py):
    def run(self) -> None:
        super().run()
        for folder in BUNDLED:
            for src in sorted((ROOT / folder).glob("*")):
                if src.is_file():
                    dest = Path(self.build_lib) / "askbrief" / folder / src.name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    self.copy_file(str(src), str(dest))


setup(cmdclass={"build_py": BuildWithBundledData})
