"""Errors raised by policykg, each naming where the problem is.

Every error derives from :class:`PolicyKGError` and, where one fits, from the
matching built-in exception, so ``except ValueError`` still catches a bad input.
"""
from __future__ import annotations


class PolicyKGError(Exception):
    """Base class of every error policykg raises on purpose."""

    def __reduce__(self):
        return (_rebuild, (type(self), self.reason, self.source, self.line, self.offset))

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None,
                 offset: int | None = None):
        self.reason = message
        self.source = source
        self.line = line
        self.offset = offset
        where = source or ""
        if line is not None:
            where += f":{line}"
        if offset is not None:
            where += f" (offset {offset})"
        super().__init__(f"{where}: {message}" if where else message)


class InputError(PolicyKGError, ValueError):
    """An input document cannot be read: empty, binary, undecodable, malformed."""


class InputNotFound(PolicyKGError, FileNotFoundError):
    """An input path does not exist."""


class RuleError(PolicyKGError, ValueError):
    """A rule data file is invalid; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} error(s) in rule files:\n  " + "\n  ".join(self.errors))

    def __reduce__(self):
        # rebuilt from the list of errors when it crosses a process boundary
        return (RuleError, (self.errors,))


class OntologyError(PolicyKGError, AttributeError):
    """A term that the policykg vocabulary does not define."""


class QueryError(PolicyKGError, ValueError):
    """A SPARQL query that cannot be parsed or run."""


def _rebuild(cls, reason, source, line, offset):
    return cls(reason, source=source, line=line, offset=offset)
