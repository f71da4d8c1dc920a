"""The wheel of kmeans-report offered in the downloads is made outside the generated project:
Quarto publishes every folder of a project that its `resources` patterns (assets/, figures/)
match, at any depth, so a wheel's build tree inside the project would be published."""

from __future__ import annotations

import shutil
from pathlib import Path

from kmeans_report.analysis.progress import Progress
from kmeans_report.report import wheel
from kmeans_report.report.build import build_site

REPO = Path(__file__).resolve().parents[2]


def test_the_wheel_is_made_outside_the_project_and_removed(site_builder, tmp_path,
                                                           monkeypatch):
    site_builder("pandoc")  # the session's analysis, figures and notebook, to copy
    cache = tmp_path / "cache"
    shutil.copytree(site_builder.cache, cache, symlinks=True)
    shutil.rmtree(cache / "wheels", ignore_errors=True)  # so this build makes one
    workdirs = []

    def recorded(cache_dir, workdir):
        workdirs.append(Path(workdir))
        made = package_wheel(cache_dir, workdir)
        assert made.path.is_relative_to(workdir)  # made here, not taken from the cache
        return made

    package_wheel = wheel.package_wheel
    monkeypatch.setattr(wheel, "package_wheel", recorded)
    project = tmp_path / "project"
    result = build_site(REPO / "report.yml", tmp_path / "_site", "pandoc", cache_dir=cache,
                        progress=Progress(enabled=False), project_dir=project)
    [workdir] = workdirs
    assert not workdir.is_relative_to(tmp_path)  # the project is staged beside `project`
    assert not workdir.exists()  # removed when the build ended
    assert not list(project.glob("_wheel*"))
    made = next((cache / "wheels").rglob("*.whl"))
    assert (result.out_dir / "downloads" / made.name).read_bytes() == made.read_bytes()
