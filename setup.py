"""Bundles the site's source files into the wheel (everything else is in pyproject.toml).

Templates, `_quarto.yml` and the notebook's example report (with its citation and changelog)
live at the checkout's top level, where maintainers edit them; a wheel carries copies in
`report/_data/` (see report/resources.py).
Editable installs read the checkout itself, so nothing is copied for them.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "_quarto.yml", "CITATION.cff", "report.yml", "notebook-changelog.md")


class BuildWithSiteFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "report" / "_data"
        for name in BUNDLED:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target / name)


setup(cmdclass={"build_py": BuildWithSiteFiles})
