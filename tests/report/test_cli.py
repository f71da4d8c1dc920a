"""The command line: a summary on success, exit 2 with one clear paragraph on bad input."""

import json

from kmeans_report.report.cli import main


def test_analyze_writes_results_and_summary(tmp_path, capsys, write_config):
    out = tmp_path / "results"
    assert main(["-q", "analyze", "--config", str(write_config()), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "K=3: Inertia=2732, Silhouette=0.239" in printed
    assert "Net ROI: 930%" in printed
    assert json.loads((out / "results.json").read_text())["selection"]["chosen_k"] == 3


def test_bad_config_exits_2_without_traceback(tmp_path, capsys, write_config):
    out = tmp_path / "results"
    path = write_config({"clustering": {"k_mx": 4}})
    assert main(["analyze", "--config", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "clustering.k_mx: unknown key; did you mean 'k_max'?" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_bad_data_exits_2_and_writes_nothing(tmp_path, capsys, write_config):
    out = tmp_path / "results"
    path = write_config({"data": {"source": "file", "path": "missing.csv"}})
    assert main(["analyze", "--config", str(path), "--out", str(out)]) == 2
    assert "missing.csv: data file not found" in capsys.readouterr().err
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path, write_config):
    import pytest

    from kmeans_report.analysis.errors import ConfigError

    path = write_config({"clustering": {"k_mx": 4}})
    with pytest.raises(ConfigError):
        main(["--debug", "analyze", "--config", str(path), "--out", str(tmp_path / "r")])


def test_global_options_work_after_the_command_too(tmp_path, write_config, capsys):
    import pytest

    from kmeans_report.analysis.errors import ConfigError
    from kmeans_report.report.cli_parser import build_parser

    parser = build_parser()
    for argv in (["--debug", "-q", "doctor"], ["doctor", "--debug", "-q"],
                 ["-q", "doctor", "--debug"], ["--debug", "doctor", "--quiet"]):
        args = parser.parse_args(argv)
        assert (args.debug, args.quiet) == (True, True), argv
    args = parser.parse_args(["doctor"])
    assert (args.debug, args.quiet) == (False, False)
    # --debug after the command really shows the traceback, -q after it silences progress.
    path = write_config({"clustering": {"k_mx": 4}})
    with pytest.raises(ConfigError):
        main(["analyze", "--config", str(path), "--out", str(tmp_path / "r"), "--debug"])
    assert main(["analyze", "--config", str(write_config()), "--out", str(tmp_path / "ok"),
                 "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_analyze_refuses_a_folder_it_did_not_write(tmp_path, capsys, write_config):
    from tests.helpers import hash_tree

    config = write_config()
    victim = tmp_path / "notes"
    victim.mkdir()
    (victim / "todo.txt").write_text("keep me")
    before = hash_tree(tmp_path)
    assert main(["-q", "analyze", "--config", str(config), "--out", str(victim)]) == 2
    assert "was not written by kmeans-report" in capsys.readouterr().err
    assert hash_tree(tmp_path) == before


def test_analyze_refuses_the_repository_and_its_parents(capsys, write_config):
    from kmeans_report.report.paths import REPO

    for target in (REPO, REPO.parent, REPO / "analysis"):
        assert main(["-q", "analyze", "--config", str(write_config()), "--out", str(target)]) == 2
    assert "would replace the repository" in capsys.readouterr().err


def test_publish_version_defaults_to_the_reports_own_and_is_never_guessed(tmp_path, capsys):
    """`publish` without --version takes report.version; without either it refuses, naming
    both, and creates nothing (never kmeans-report's version or a git tag)."""
    from kmeans_report.report.publish import release

    versioned = tmp_path / "versioned.yml"
    versioned.write_text("report:\n  version: '2.1'\n")
    assert release.default_version(versioned) == "2.1"
    draft = tmp_path / "draft.yml"
    draft.write_text("report:\n  title: Mine\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>")
    root = tmp_path / "public"
    code = main(["publish", "--config", str(draft), "--from", str(site), "--site-root", str(root)])
    err = capsys.readouterr().err
    assert code == 2 and "--version" in err and "report.version" in err and str(draft) in err
    assert not root.exists()


def test_build_timings_lists_each_stage_with_wall_and_cpu_time(tmp_path, capsys):
    """`build --timings`: where a build's time goes, stage by stage, in the order they ran."""
    out = tmp_path / "site"
    args = ["-q", "build", "--engine", "pandoc", "--cache-dir", str(tmp_path / "cache"),
            "--out", str(out), "--timings"]
    assert main(args) == 0
    table = capsys.readouterr().err.splitlines()
    assert table[0].split() == ["stage", "wall", "s", "CPU", "s"]
    stages = [line.split()[0] for line in table[1:]]
    for stage in ("load", "sweep", "figures", "notebook", "pages", "render"):
        assert stage in stages
    assert stages.index("sweep") < stages.index("figures") < stages.index("render")
    assert stages[-1] == "total"
    wall = {line.split()[0]: float(line.split()[1]) for line in table[1:]}
    assert wall["total"] >= wall["render"] > 0


def test_version_prints_the_tools_version(capsys):
    import pytest

    from kmeans_report.analysis import __version__

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"kmeans-report {__version__}"
