"""Errors of the report side that the user can act on, and the line of a tool's error output
that says what went wrong.

The CLI catches `ReportError`, prints its message as one paragraph and exits with code 2;
anything else is a bug and keeps its traceback.
"""

import re


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


def first_useful_line(text: str) -> str:
    """The line of a tool's error output that says what is wrong: the first one that is not
    blank, a stack frame or a bare heading such as "Stack trace:"."""
    for line in text.splitlines():
        line = line.strip()
        if not line or re.match(r"^(at |File \"|Traceback|Stack trace:?$|\^+$)", line):
            continue
        line = re.sub(r"^(ERROR|Error|error):\s*", "", line)
        return line if len(line) <= 200 else line[:197] + "..."
    return "it exits with an error and prints nothing"
