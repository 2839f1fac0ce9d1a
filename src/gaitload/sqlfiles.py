"""SQL lives in `.sql` files beside the code that runs it; this loads them by name."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def load(package: str, name: str) -> str:
    return (files(package) / name).read_text(encoding="utf-8")


def statements(package: str, name: str) -> list[str]:
    """A file's statements, split on `;` at line ends (the files keep no `;` inside strings)."""
    text = "\n".join(
        line for line in load(package, name).splitlines() if not line.lstrip().startswith("--")
    )
    return [s.strip() for s in text.split(";\n") if s.strip().rstrip(";")]
