"""Errors of the report side that the user can act on (CLI exit code 2, no traceback)."""


class ReportError(Exception):
    """Base class for every expected, user-facing failure while building or publishing."""


class RenderError(ReportError):
    """A page, figure or the PDF could not be rendered (names the tool and how to fix it)."""


class PublishError(ReportError):
    """A built site could not be installed as a version of the published tree."""
