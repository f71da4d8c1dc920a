"""Errors of the report side that the user can act on.

The CLI catches `ReportError`, prints its message as one paragraph and exits with code 2;
anything else is a bug and keeps its traceback.
"""


class ReportError(Exception):
    """Base class for every expected, user-facing failure while building or publishing."""

    exit_code = 2


class OutputError(ReportError):
    """The output folder cannot be (safely) replaced: names the folder and what to do."""


class RenderError(ReportError):
    """A page, figure or the PDF could not be rendered (names the tool and how to fix it)."""


class PublishError(ReportError):
    """Publishing, listing or removing a version of the published site cannot go ahead.

    The message names the offending value or path and what to do about it. When it is raised,
    the published tree is as it was before the call.
    """
