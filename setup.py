"""Maps the checkout's folders to the installed namespace and bundles the site's source files
into the wheel (everything else is in pyproject.toml).

`analysis/` and `report/` install as `kmeans_report.analysis` and `kmeans_report.report`
(`kmeans_report` is an implicit namespace package): the generic top-level names `analysis` and
`report` belong to other distributions too, and installing beside them must break neither.

Templates, `_quarto.yml` and the notebook's example report (with its citation and changelog)
live at the checkout's top level, where maintainers edit them; a wheel carries copies in
`kmeans_report/report/_data/` (see report/resources.py).
Editable installs read the checkout itself, so nothing is copied for them.
"""

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
NAMESPACE = "kmeans_report"
FOLDERS = ("analysis", "report")
BUNDLED = ("templates", "_quarto.yml", "CITATION.cff", "report.yml", "notebook-changelog.md")


class BuildWithSiteFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / NAMESPACE / "report" / "_data"
        for name in BUNDLED:
            source = HERE / name
            if source.is_dir():
                shutil.copytree(source, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target / name)


def packages() -> list[str]:
    found = []
    for folder in FOLDERS:
        found.append(f"{NAMESPACE}.{folder}")
        found += [f"{NAMESPACE}.{folder}.{sub}" for sub in find_namespace_packages(
            str(HERE / folder), exclude=["*__pycache__*", "_data", "_data.*"])]
    return found


setup(
    packages=packages(),
    package_dir={f"{NAMESPACE}.{folder}": folder for folder in FOLDERS},
    cmdclass={"build_py": BuildWithSiteFiles},
)
