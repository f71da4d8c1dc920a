"""Errors the report package raises; the CLI turns them into one clear message each."""


class ReportError(Exception):
    """Base class of every error kmeans-report reports to the user (no traceback needed)."""


class RenderError(ReportError):
    """A render engine could not turn the generated Quarto project into a site and PDF."""
