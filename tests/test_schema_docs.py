"""Every column of the store's and the metrics' views is documented in docs/schema.md.

The views are the documented interface (the alert and pain views have their own tests in
test_alert_docs.py). The views are read from the package's `views.sql`, so a new view must
be documented too. A view's part of the doc is the section whose heading names it, or else
its paragraph from "`view` (" on.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from gaitload.store import db

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
VIEW = re.compile(r"^CREATE OR REPLACE VIEW (\w+)", re.MULTILINE)


def views(package: str) -> list[str]:
    return VIEW.findall((files(package) / "views.sql").read_text(encoding="utf-8"))


STORE_AND_METRICS = views("gaitload.store") + views("gaitload.metrics")


def documented(view: str, doc: str) -> str:
    """The section headed by the view's name, or else its paragraph from the view's name on."""
    heading = re.search(rf"^(#+) [^\n]*`{view}`[^\n]*$", doc, re.MULTILINE)
    if heading:
        level = len(heading[1])
        rest = doc[heading.end() :]
        end = re.search(rf"^#{{1,{level}}} ", rest, re.MULTILINE)
        return rest[: end.start() if end else len(rest)]
    paragraph = re.search(rf"(`{view}` \(.*?)(?:\n\n|$)", doc, re.DOTALL)
    assert paragraph, f"docs/schema.md has no section or paragraph for the view {view}"
    return paragraph[1]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    with db.opened(tmp_path_factory.mktemp("schema") / "fresh.duckdb") as con:
        yield con


def test_the_views_are_found():
    assert {"activities", "samples", "strava_sync"} <= set(views("gaitload.store"))
    assert {"activity_metrics", "load_signals", "gear_usage"} <= set(views("gaitload.metrics"))


@pytest.mark.parametrize("view", STORE_AND_METRICS)
def test_every_column_of_the_view_is_documented(fresh, view):
    columns = [row[0] for row in fresh.execute(f"DESCRIBE {view}").fetchall()]
    part = documented(view, SCHEMA.read_text(encoding="utf-8"))
    missing = [c for c in columns if f"`{c}`" not in part]
    assert not missing, f"{view}: columns not in docs/schema.md: {missing}"


def test_a_section_ends_at_the_next_heading():
    doc = "## `a`: one\n\n| `x` |\n\n### `b`\n\n`y`\n\n## `c`\n\n`z`\n"
    assert "`x`" in documented("a", doc) and "`y`" in documented("a", doc)
    assert "`z`" not in documented("a", doc) and "`z`" not in documented("b", doc)
    assert documented("d", doc + "\nAlso `d` (`w`): a view.\n") == "`d` (`w`): a view."
