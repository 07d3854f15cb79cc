"""Errors for user mistakes: one line naming the file, the field and what is allowed.

The CLI turns an :class:`InputError` into that line on standard error and exit
code 2, with no traceback; the Python API raises it as is.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

#: Longest part (source, field, message) an error line echoes; the allowed values may be
#: a longer list. User text beyond this is cut with an ellipsis, so the line stays readable.
MAX_PART = 300
MAX_ALLOWED = 2000


def one_line(text: str, limit: int = MAX_PART) -> str:
    """``text`` with control characters and line breaks written as escapes, cut at ``limit``.

    >>> one_line("a\\nb\\x1b[2J")
    'a\\\\nb\\\\x1b[2J'
    >>> len(one_line("x" * 1000))
    300
    """
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(ch)
    clean = "".join(out)
    return clean if len(clean) <= limit else clean[: limit - 1] + "\u2026"


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
        """One line: control characters escaped, each part cut at :data:`MAX_PART`."""
        parts = [one_line(str(p)) for p in (self.source, self.field) if p]
        text = ": ".join([*parts, one_line(str(self.message))])
        if self.allowed:
            text += f" (allowed: {one_line(str(self.allowed), MAX_ALLOWED)})"
        return text


def read_toml(path: str | Path, *, field: str, allowed: str) -> dict[str, Any]:
    """The table of the TOML file at ``path``; a missing, unreadable or invalid file is an
    :class:`InputError` naming the file, ``field`` and ``allowed`` (what the file should be).

    >>> read_toml("no-such.toml", field="SPEC", allowed="a sweep spec .toml file")
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: no-such.toml: SPEC: no such file (allowed: a sweep spec \
.toml file)
    """
    import tomllib

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", source=str(path), field=field, allowed=allowed)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError, OSError) as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(path), field=field,
                         allowed="a TOML file") from None
