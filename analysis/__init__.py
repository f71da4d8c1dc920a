"""The science of kmeans-report: data, K-Means, validity indices, segments, ROI.

Knows nothing of templates, Quarto or the web. `analysis.pipeline.run_analysis` is the one
entry point the report uses.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    # pyproject.toml is the one place the version is written (plus CHANGELOG.md's entry)
    __version__ = version("kmeans-report")
except PackageNotFoundError:  # a source tree used without installing it
    __version__ = "0+unknown"
