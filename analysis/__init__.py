"""The science of kmeans-report: data sources, K-Means, validity indices, segments, ROI.

Knows nothing of templates, Quarto or the web, and never imports `report`. The report runs
the analysis through `analysis.pipeline.run_analysis` and reads what it found as a
`analysis.results.Results`; besides, it uses the settings (config), progress and errors, the
configured source's public face (`analysis.sources`: its fingerprint, files and what the
Reproduce notebook needs), the outputs' writer (outputs), how money units read (money) and,
for the CLI, make-data and init. Folders are written by `report.files`, outside the science.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # pyproject.toml is the one place the version is written (plus CHANGELOG.md's entry)
    __version__ = version("kmeans-report")
except PackageNotFoundError:  # a source tree used without installing it
    __version__ = "0+unknown"
