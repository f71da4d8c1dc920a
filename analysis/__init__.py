"""The science of kmeans-report: data, K-Means, validity indices, segments, ROI.

Knows nothing of templates, Quarto or the web. `analysis.pipeline.run_analysis` is the one
entry point the report uses.
"""

__version__ = "1.3.0"
