"""The backtest on small histories whose numbers are worked out by hand.

Two athletes run 8 km on Monday, Wednesday, Friday and Sunday for 20 weeks from Monday
5 January 2026 (day 0) to Sunday 24 May (day 139): 32 km a week, three rest days, nothing
for any rule. On days 56 and 98 (Mondays) the run is 12 km: +50 % on the longest of the 30
days before, a long_run_spike warning each (the week gains only 4 km: no load_ramp). Each
warning is open 7 days (56-62, 98-104). Injuries on days 59 and 120.

By hand, per athlete: scored days 35-139 = 105; open 14 days in 2 spells; days with an
injury in the 7 days after them: 52-58 and 113-119 = 14, of which 56-58 are open (3).
RR = (3 / 14) / (11 / 91) = 1.7727; precision 3/14; recall 3/14. Injury 59 is preceded
within 7 days (56-58), injury 120 only within 21 (99-104). AUC (score 1 on open days):
positives 11 at 0 and 3 at 1, negatives 80 at 0 and 11 at 1:
(11 * 80 / 2 + 3 * (80 + 11 / 2)) / (14 * 91) = 696.5 / 1274.
"""

from __future__ import annotations

import email
import email.policy
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from gaitload import metrics
from gaitload.backtest import ANY, backtest
from gaitload.cli import cli
from gaitload.config import AthleteSettings
from gaitload.errors import GaitloadError
from gaitload.notify import outbox_files, send_alerts
from gaitload.pain import add_pain
from gaitload.rules.catalogue import catalogue
from gaitload.sources.model import Activity, ParsedFile
from gaitload.store import db, writer
from tests.conftest import make_settings

DAY0 = date(2026, 1, 5)
SPIKES = (56, 98)
INJURIES = (59, 120)
RR = (3 / 14) / (11 / 91)
AUC = (11 * 80 / 2 + 3 * (80 + 11 / 2)) / (14 * 91)


def run(athlete: str, index: int, km: float) -> Activity:
    start = datetime.combine(DAY0 + timedelta(days=index), time(7))
    return Activity(
        source="test",
        source_id=f"{athlete}-{index}",
        sport="running",
        sub_sport=None,
        start_time_utc=start,
        utc_offset_min=0,
        offset_source="athlete",
        timezone="UTC",
        elapsed_time_s=km * 300,
        moving_time_s=km * 300,
        distance_m=km * 1000,
        ascent_m=None,
        descent_m=None,
        avg_cadence_spm=None,
        avg_hr=None,
        max_hr=None,
        totals_source="session",
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("backtest")
    names = ["a", "b"]
    settings = make_settings(
        root, default_athlete="a", athletes={n: AthleteSettings(n, "UTC") for n in names}
    )
    with db.opened(settings.db_path) as con:
        for name in names:
            athlete_id, _ = writer.ensure_athlete(con, settings.athlete(name), "UTC")
            runs = [
                run(name, i, 12 if i in SPIKES else 8) for i in range(140) if i % 7 in (0, 2, 4, 6)
            ]
            parsed = ParsedFile(Path(f"{name}.plan"), f"sha-{name}", "activity", activities=runs)
            writer.save(con, parsed, athlete_id, run_id="test", source="test")
        metrics.refresh(con, full=True)
    csv = root / "injuries.csv"
    csv.write_text(
        "athlete,date,place\n"
        + "".join(f"{n},{DAY0 + timedelta(days=i)},knee\n" for n in names for i in INJURIES)
    )
    return settings, csv


def check_record(r, athletes: int = 1) -> None:
    assert (r.days, r.open_days, r.spells) == (105 * athletes, 14 * athletes, 2 * athletes)
    assert (r.open_pos, r.closed_pos) == (3 * athletes, 11 * athletes)
    assert (r.injuries, r.preceded_7d, r.preceded_21d) == (2 * athletes, athletes, 2 * athletes)
    assert r.open_share == pytest.approx(14 / 105)
    assert r.spells_per_year == pytest.approx(2 / (105 / 365.25))
    assert r.rr_7d == pytest.approx(RR)
    assert r.precision == pytest.approx(3 / 14) and r.recall == pytest.approx(3 / 14)
    assert r.auc == pytest.approx(AUC)


def test_the_numbers_worked_by_hand(history):
    settings, csv = history
    result = backtest(settings, athlete="a", injuries=csv)
    assert (result.athletes, result.injuries, result.injury_source) == (1, 2, "list")
    check_record(result.record("long_run_spike"))
    check_record(result.record(ANY))  # the spike is the only load alert
    assert result.record("load_ramp").open_days == 0
    assert result.record(ANY).rr_low is None  # one athlete: nothing to resample


def test_the_interval_resamples_athletes(history):
    """Two athletes with the same record: every resample has the same risk ratio."""
    settings, csv = history
    result = backtest(settings, injuries=csv)
    r = result.record(ANY)
    check_record(r, athletes=2)
    assert r.rr_low == pytest.approx(RR) and r.rr_high == pytest.approx(RR)
    assert result.only({"b"}).record(ANY).rr_7d == pytest.approx(RR)


def test_injuries_default_to_the_pain_journals_episodes(history, tmp_path):
    settings, _ = history
    copy = make_settings(tmp_path, db_path=tmp_path / "copy.duckdb", athletes=settings.athletes)
    copy.db_path.write_bytes(settings.db_path.read_bytes())
    for i in INJURIES:  # two entries of one place a day apart are one episode
        add_pain(copy, athlete="a", where="heel", score=3, day=DAY0 + timedelta(days=i))
        add_pain(copy, athlete="a", where="heel", score=2, day=DAY0 + timedelta(days=i + 1))
    result = backtest(copy, athlete="a")
    assert (result.injuries, result.injury_source) == (2, "pain journal")
    check_record(result.record(ANY))


def test_the_command_prints_the_table_and_json(history):
    settings, csv = history
    base = ["--db", str(settings.db_path), "backtest", "--injuries", str(csv)]
    result = CliRunner().invoke(cli, [*base, "--athlete", "a"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "long_run_spike" in result.output and "1.77" in result.output
    out = CliRunner().invoke(cli, [*base, "--json"], catch_exceptions=False)
    doc = json.loads(out.output)
    (any_,) = [r for r in doc["rules"] if r["factor"] == ANY]
    assert any_["rr_7d"] == pytest.approx(RR) and any_["auc"] == pytest.approx(AUC)
    assert doc["athletes"] == 2 and doc["seed"] > 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("who,when\na,2026-03-02\n", "the first line must name the columns athlete,date"),
        ("athlete,date\na,02/03/2026\n", "line 2: '02/03/2026' is not a date (YYYY-MM-DD)"),
        ("athlete,date\n,2026-03-02\n", "line 2: no athlete"),
        ("athlete,date\nzoe,2026-03-02\n", "injuries name athletes with no history here: zoe"),
        (b"\xff\xfe\x00athlete", "cannot read the injuries"),
    ],
)
def test_a_bad_injuries_file_is_one_clear_line(history, tmp_path, text, message):
    settings, _ = history
    bad = tmp_path / "bad.csv"
    bad.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(
        GaitloadError, match="^.*" + message.replace("(", r"\(").replace(")", r"\)")
    ):
        backtest(settings, injuries=bad)
    result = CliRunner().invoke(
        cli, ["--db", str(settings.db_path), "backtest", "--injuries", str(bad)]
    )
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert message.split(":")[0] in result.output


def test_no_database_is_one_clear_line(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.duckdb"), "backtest"])
    assert result.exit_code != 0 and "no database at" in result.output
    assert not (tmp_path / "none.duckdb").exists()


def test_every_load_rule_has_its_measured_record_with_the_data_citation():
    book = catalogue()
    for factor in book.load_factors:
        line = book.record_line(factor)
        assert line and "doi:10.34894/UWU9PV" in line and "CC0" in line, factor
    spike = book.rules["long_run_spike"].record
    assert spike["rr_low"] <= spike["rr_7d"] <= spike["rr_high"]
    assert f"open before {spike['preceded_21d_pct']} % of the injuries" in book.record_line(
        "long_run_spike"
    )
    assert "37 competitive runners" in book.record_line("long_run_spike")
    assert all(book.rules[f].record is None for f in book.factors if f not in book.load_factors)


def test_the_email_gives_the_record_beside_the_basis(history, tmp_path):
    settings, _ = history
    copy = make_settings(tmp_path, db_path=tmp_path / "copy.duckdb", athletes=settings.athletes)
    copy.db_path.write_bytes(settings.db_path.read_bytes())
    send_alerts(copy, athlete="a", as_of=DAY0 + timedelta(days=57))
    (eml,) = outbox_files(copy)
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    line = catalogue().record_line("long_run_spike")
    assert "Basis: Frandsen" in text
    assert " ".join(text.split("Record: ", 1)[1].split()).startswith(line)
    assert "<strong>Record:</strong> Measured on real injuries" in html
