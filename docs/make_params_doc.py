"""Write docs/parameters.md from the parameter records (``Params.describe()``).

Run: ``.venv/bin/python docs/make_params_doc.py``. A test checks the page is current.
"""

from __future__ import annotations

from pathlib import Path

from powerbalance.params import Params

PAGE = Path(__file__).resolve().parent / "parameters.md"


def render() -> str:
    """The markdown page."""
    lines = [
        "# Model parameters",
        "",
        "Generated from `powerbalance.params.Params` by `docs/make_params_doc.py`; every",
        "default states its source or the reason for it. Override any of them with",
        "`--set name=value` on the command line, `overrides={...}` in Python, or a",
        "`[params]` table in a scenario file (`powerbalance params` prints this table).",
        "",
        "| name | default | allowed | meaning | source or reason |",
        "|---|---|---|---|---|",
    ]
    for row in Params.describe():
        cells = [f"`{row['name']}`", f"`{row['default']}`", row["allowed"], row["doc"],
                 row["source"]]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}")
