"""The dashboard in a real headless Chromium: it draws the demo's data, offline, on a phone too."""

from __future__ import annotations

import os
import re
import shutil
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from gaitload.config import AthleteSettings
from gaitload.demo.athlete import write_demo_athlete
from gaitload.ingest import import_paths
from gaitload.notify import send_alerts
from gaitload.pain import add_pain
from tests.conftest import make_settings
from tests.dashboard_server import running_dashboard
from tests.histories import Run, athlete_settings, build

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "dashboard.png"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason="Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)",
)


PAIN_NOTE = "<b>sore</b> on the stairs"


@dataclass(frozen=True)
class PainCase:
    """pat: six weeks of runs ending last Sunday, pain that Sunday; quinn: runs, no pain."""

    day: date
    spike_day: date


def build_pain_histories(settings, folder: Path) -> PainCase:
    """pat runs 36 km a week (Tue 8, Thu 8, Sat 14, Sun 6) for five weeks, then a week with a
    20 km long run (+43 % on the longest of the 30 days before: long_run_spike, warn, on the
    Saturday) and 42 km in all (+6 km, +17 %: load_ramp, warn, on the Sunday; the two make a
    bone_stress_pattern, high), and reports pain on that Sunday. The weeks end last Sunday, so
    the dashboard's weeks show them."""
    settings = athlete_settings(settings, ["pat", "quinn"])
    today = datetime.now(UTC).date()
    this_monday = today - timedelta(days=today.weekday())
    first = this_monday - timedelta(weeks=6)

    def day(week: int, weekday: int) -> date:
        return first + timedelta(weeks=week - 1, days=weekday)

    long_runs = [14] * 5 + [20]
    plan = [
        Run(day(w, d), km)
        for w in range(1, 7)
        for d, km in ((1, 8), (3, 8), (5, long_runs[w - 1]), (6, 6))
    ]
    build(settings, folder, "pat", plan)
    build(settings, folder, "quinn", [Run(day(6, 1), 8), Run(day(6, 3), 10)])
    add_pain(
        settings, athlete="pat", where="arch", side="right", score=4, day=day(6, 6), note=PAIN_NOTE
    )
    send_alerts(settings, as_of=day(6, 6), athlete="pat")  # records pat's alerts
    return PainCase(day=day(6, 6), spike_day=day(6, 5))


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    root = tmp_path_factory.mktemp("dash")
    settings = make_settings(
        root, default_athlete="demo", athletes={"demo": AthleteSettings("demo", "America/Denver")}
    )
    files = write_demo_athlete(root / "fit", end=date(2026, 11, 20), weeks=16)
    import_paths(settings, files)
    send_alerts(settings, as_of=date(2026, 11, 20))  # records the episodes; mail to the outbox
    pain = build_pain_histories(settings, root / "others")
    with duckdb.connect(str(settings.db_path), read_only=True) as con:
        ((ramp_week, ramp_km, ramp_pct),) = con.execute(
            "SELECT week_start, km, km_change_pct FROM weekly_load "
            "ORDER BY km_change_pct DESC NULLS LAST LIMIT 1"
        ).fetchall()
    with running_dashboard(settings.db_path, answers) as port:
        yield f"http://127.0.0.1:{port}/", ramp_week, ramp_km, ramp_pct, pain


def answers(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, url: str, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="domcontentloaded")
    return page, requests, errors


def ramp_label(week: date) -> str:
    return f"week (local Monday): {week:%b} {week.day:02}, {week.year}; km: "


def test_dashboard_draws_the_demos_planted_ramp_offline(dashboard, browser, tmp_path):
    url, ramp_week, ramp_km, ramp_pct, _ = dashboard
    page, requests, errors = open_page(browser, url, 1200, 2400)
    # the planted ramp's first week, drawn as a bar labelled with its own numbers
    ramp_bar = page.locator(f"svg [aria-label*='{ramp_label(ramp_week)}']")
    ramp_bar.first.wait_for(timeout=90_000)
    label = ramp_bar.first.get_attribute("aria-label")
    assert f"km: {ramp_km:.2f}".rstrip("0") in label
    assert f"km_change_pct: +{ramp_pct:.0f}" in label and ramp_pct > 30
    page.locator("svg [aria-label*='acwr']").first.wait_for(timeout=30_000)
    charts = page.locator("svg.marks")
    deadline = time.monotonic() + 30
    while charts.count() < 6 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert charts.count() >= 6  # volume, descent, ACWR, long runs, cadence, surfaces
    # cadence points carry the demo's real per-run values (it drops during the ramp)
    cadence = page.locator("svg [aria-label^='run: ']")
    assert cadence.count() > 50
    time.sleep(1)
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000  # a drawn page, not a blank one
    if os.environ.get("UPDATE_DASHBOARD_SCREENSHOT"):
        shutil.copy(shot, SCREENSHOT)  # the README's picture
    assert errors == []
    hosts = {r.split("/")[2] for r in requests}
    assert hosts == {url.split("/")[2]}, f"requests left 127.0.0.1: {hosts}"
    page.close()


def test_dashboard_fits_a_phone(dashboard, browser):
    url, ramp_week, *_ = dashboard
    page, _, errors = open_page(browser, url, 390, 844)
    page.locator(f"svg [aria-label*='{ramp_label(ramp_week)}']").first.wait_for(timeout=90_000)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport  # no sideways scrolling
    assert errors == []
    page.close()


def test_each_alert_opens_its_evidence_and_advice(dashboard, browser):
    url, *_ = dashboard
    page, _, errors = open_page(browser, url, 1000, 1400)
    trigger = page.get_by_role("button", name=re.compile(r"HIGH · ")).first
    trigger.wait_for(timeout=90_000)
    trigger.click()
    professional = page.locator("em", has_text="See a professional if").locator("visible=true")
    professional.first.wait_for(timeout=15_000)
    for text in ("Why it matters", "What to do", "Evidence", "This is not a diagnosis"):
        assert page.get_by_text(text).locator("visible=true").count() >= 1, text
    high = page.locator("svg [aria-label*='severity: high']")  # on the timeline
    high.first.wait_for(state="attached", timeout=15_000)
    assert high.count() >= 1
    assert errors == []
    page.close()


def show_athlete(page, name: str) -> None:
    page.locator("select").first.wait_for(timeout=90_000)
    page.locator("select").first.select_option(name)


def test_pain_shows_each_entry_next_to_the_load_before_it(dashboard, browser):
    url, *_, pain = dashboard
    page, _, errors = open_page(browser, url, 1200, 2400)
    show_athlete(page, "pat")
    row = page.get_by_role("row").filter(has_text="right arch")
    row.first.wait_for(timeout=60_000)
    cells = row.first.get_by_role("cell").all_inner_texts()
    # the week of the spike: 8 + 8 + 20 + 6 = 42 km, against 36 in the week before
    assert cells[:5] == [str(pain.day), "right arch", "4/10", "42", "+17 % (from 36 km)"]
    assert cells[5] == (
        f"A run much longer than any in the last 30 days (warn, opened {pain.spike_day}); "
        f"Possible bone-stress pattern (high, opened {pain.day}); "
        f"Weekly distance rising fast (warn, opened {pain.day})"
    )
    assert cells[6:] == [PAIN_NOTE, "journal"]  # the note as text, not markup
    assert page.locator("b", has_text="sore").count() == 0
    # and a red line on the weekly chart, on that day
    mark = page.locator(f"svg [aria-label='pain on {pain.day}: right arch, 4/10']")
    mark.first.wait_for(state="attached", timeout=30_000)
    assert mark.first.get_attribute("aria-roledescription") == "rule mark"

    page.set_viewport_size({"width": 390, "height": 844})  # the table scrolls, not the page
    time.sleep(0.5)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport
    assert errors == []
    page.close()


def test_without_pain_the_section_says_how_to_record_it(dashboard, browser):
    url, *_ = dashboard
    page, _, errors = open_page(browser, url, 1200, 2400)
    show_athlete(page, "quinn")
    empty = page.get_by_text("No pain recorded")
    empty.first.wait_for(timeout=60_000)
    text = empty.first.inner_text()
    assert "gaitload pain add --where heel --side left --score 3" in text
    assert "pain: left heel 3/10" in text
    assert page.locator("svg [aria-label^='pain on ']").count() == 0
    assert errors == []
    page.close()
