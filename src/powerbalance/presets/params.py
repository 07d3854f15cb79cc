"""What the presets' parameter records share: validated overrides from ``--set``."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, Self

from powerbalance.errors import InputError


class PresetParams:
    """Mixin for a preset's frozen parameter dataclass.

    Subclasses list their range checks in :meth:`checks`; :meth:`with_overrides`
    converts ``--set`` strings to each field's type and validates the result.
    """

    def checks(self) -> list[tuple[str, bool, str]]:
        """(field, whether its value is allowed, the allowed range in words)."""
        return []

    def validate(self, source: str = "params") -> None:
        """Raise :class:`InputError` for values outside their ranges."""
        for name, ok, allowed in self.checks():
            if not ok:
                raise InputError(f"{getattr(self, name)!r}", source=source, field=name,
                                 allowed=allowed)

    def with_overrides(self, overrides: dict[str, Any] | None, source: str = "--set") -> Self:
        """Copy with ``overrides`` (strings are converted to the field's type)."""
        if not overrides:
            return self
        kinds = {f.name: type(getattr(self, f.name)) for f in fields(self)}  # type: ignore[arg-type]
        values: dict[str, Any] = {}
        for key, raw in overrides.items():
            if key not in kinds:
                raise InputError(f"unknown parameter {key!r}", source=source, field=key,
                                 allowed=", ".join(kinds))
            kind = kinds[key]
            try:
                if kind is bool and isinstance(raw, str):
                    if raw.lower() not in ("true", "false", "1", "0"):
                        raise ValueError(raw)
                    value: Any = raw.lower() in ("true", "1")
                else:
                    value = kind(raw)
            except (TypeError, ValueError):
                raise InputError(f"bad value {raw!r}", source=source, field=key,
                                 allowed=kind.__name__) from None
            values[key] = value
        out = replace(self, **values)  # type: ignore[type-var]
        out.validate(source)
        return out
