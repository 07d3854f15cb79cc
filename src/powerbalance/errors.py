"""Errors for user mistakes: one line naming the file, the field and what is allowed.

The CLI turns an :class:`InputError` into that line on standard error and exit
code 2, with no traceback; the Python API raises it as is.
"""

from __future__ import annotations


class InputError(ValueError):
    """A user mistake in a file, option or argument.

    Parameters
    ----------
    message:
        What is wrong.
    source:
        The file (or option, or "argument") the value came from.
    field:
        The dotted path of the offending field, e.g. ``actors[2].wealth``.
    allowed:
        The allowed values or range, in words.

    Examples
    --------
    >>> str(InputError("must not be negative", source="s.toml",
    ...                field="actors[0].wealth", allowed=">= 0"))
    's.toml: actors[0].wealth: must not be negative (allowed: >= 0)'
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        field: str | None = None,
        allowed: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.field = field
        self.allowed = allowed
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [p for p in (self.source, self.field) if p]
        text = ": ".join([*parts, self.message])
        if self.allowed:
            text += f" (allowed: {self.allowed})"
        return text
