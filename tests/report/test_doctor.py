"""`kmeans-report doctor`: what the build uses, which engine `auto` picks, and how to fix
what is missing (exit 1 when the default build cannot run)."""

from __future__ import annotations

from report.cli import main


def test_everything_found_names_each_piece_and_exits_0(capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    for name in ("Quarto", "pandoc", "typst", "Chromium", "pagefind", "Jupyter kernel"):
        assert name in out
    # This machine has what the default build needs (the e2e builds prove it too).
    assert code == 0 and "The default build can run." in out


def test_without_quarto_auto_uses_pandoc_and_the_fix_is_named(monkeypatch, capsys):
    monkeypatch.setattr("report.engines.quarto.find_quarto", lambda: None)
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0
    assert "MISSING Quarto" in out and "pip install 'quarto-cli>=1.5'" in out
    assert "`--engine auto` uses: pandoc" in out
    assert "--engine quarto: cannot run" in out


def test_missing_chromium_means_no_build_can_run(monkeypatch, tmp_path, capsys):
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr("report.figure_export.shutil.which", lambda name: None)
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    assert "MISSING Chromium" in out and "apt-get install chromium" in out
    assert "The default build cannot run" in out
