"""Turning analysis results into a static site, a PDF report and published versions."""
