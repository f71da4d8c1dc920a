"""Errors the user can act on. The CLI prints them as one paragraph and exits with code 2."""


class AnalysisError(Exception):
    """Base class for every expected, user-facing failure of the analysis."""


class ConfigError(AnalysisError):
    """The configuration file is missing, malformed or invalid. Lists every problem at once."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"invalid configuration in {source}:\n{lines}\n"
                         "Every key is described in docs/configuration.md.")


class DataError(AnalysisError):
    """The input data cannot be analysed as configured (names the file, column or row)."""
