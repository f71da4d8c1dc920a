"""Errors the user can act on.

The CLI catches `ReportError`, prints its message as one paragraph and exits with code 2;
anything else is a bug and keeps its traceback.
"""


class ReportError(Exception):
    """Base class of every expected, user-facing failure of the report package."""

    exit_code = 2


class PublishError(ReportError):
    """Publishing, listing or removing a version of the published site cannot go ahead.

    The message names the offending value or path and what to do about it. When it is raised,
    the published tree is as it was before the call.
    """
