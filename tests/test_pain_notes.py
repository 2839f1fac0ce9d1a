"""Pain written in activity notes: the `pain:` syntax, FIT notes, Strava's notes, the CLI.

The FIT notes are a developer string field named `notes` on the session message (written
by gaitload.demo.fitwriter, as apps that let the athlete type a note do).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import fitparse
import pytest
from click.testing import CliRunner
from fitparse.records import DEV_TYPES, DevField
from fitparse.utils import FitParseError

from gaitload.cli import cli
from gaitload.config import AthleteSettings, load_settings
from gaitload.demo.fitwriter import SessionSpec, write_fit
from gaitload.ingest import import_paths
from gaitload.pain.notes import PainMark, read_note
from gaitload.sources import fit, fit_decode
from gaitload.sources.fit_decode import decode
from gaitload.sources.strava import source as strava
from tests.builders import run_samples, steady_run
from tests.conftest import SHARED_FIT, make_settings, strava_settings
from tests.export_builder import activities_csv, csv_row, fit_bytes, gz, write_zip
from tests.fake_strava import run

# An evening run in Denver in winter (UTC-7): 19:30 on the 15th is 02:30 UTC on the 16th.
EVENING_UTC = datetime(2026, 1, 16, 2, 30, tzinfo=UTC)
EVENING_LOCAL_DAY = date(2026, 1, 15)
DENVER_WINTER_S = -7 * 3600
PAIN_COLUMNS = "athlete, date, location, side, bone, score, note, source, activity"


def rows(db: Path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def pain_rows(db: Path) -> list[tuple]:
    return rows(db, f"SELECT {PAIN_COLUMNS} FROM pain ORDER BY date, source, location, side")


def denver_settings(root: Path, **overrides):
    athletes = {"tester": AthleteSettings("tester", "America/Denver")}
    return make_settings(root, athletes=athletes, **overrides)


@pytest.fixture
def cli_env(tmp_path) -> dict[str, str]:
    config = tmp_path / "gaitload.toml"
    config.write_text(
        'default_athlete = "tester"\n[athletes.tester]\ntimezone = "America/Denver"\n'
    )
    return {
        "GAITLOAD_CONFIG": str(config),
        "GAITLOAD_DB": str(tmp_path / "gaitload.duckdb"),
        "GAITLOAD_DATA_DIR": str(tmp_path),
    }


def evening_run(folder: Path, notes: str | None, name: str = "evening.fit") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_fit(
        folder / name,
        EVENING_UTC,
        [SessionSpec("running", steady_run(5), notes=notes)],
        local_offset_s=DENVER_WINTER_S,
    )


# -- the pain: syntax ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "marks"),
    [
        ("pain: left heel 3/10", [PainMark("heel", "left", False, 3, None)]),
        ("pain: heel 3/10", [PainMark("heel", None, False, 3, None)]),
        ("pain: right top of foot 5/10", [PainMark("top", "right", False, 5, None)]),
        ("pain: left ball of the foot 2 / 10", [PainMark("ball", "left", False, 2, None)]),
        ("pain: toe 1/10", [PainMark("toes", None, False, 1, None)]),
        ("pain: right shin bone 6/10", [PainMark("shin", "right", True, 6, None)]),
        ("pain: achilles 0/10", [PainMark("achilles", None, False, 0, None)]),
        (
            "Pain: right top of foot bone 6/10 (sore to press), left arch 2/10",
            [
                PainMark("top", "right", True, 6, "sore to press"),
                PainMark("arch", "left", False, 2, None),
            ],
        ),
        (
            "pain: left heel 3/10; right heel 1/10",
            [PainMark("heel", "left", False, 3, None), PainMark("heel", "right", False, 1, None)],
        ),
        ("- pain: left heel 3/10", [PainMark("heel", "left", False, 3, None)]),
        ("  * pain: general 4/10", [PainMark("general", None, False, 4, None)]),
        ("PAIN: LEFT HEEL 3/10 (Morning)", [PainMark("heel", "left", False, 3, "Morning")]),
        ("pain:left   top  of  the  foot 7/10", [PainMark("top", "left", False, 7, None)]),
    ],
)
def test_a_valid_pain_line_is_read_exactly(line, marks):
    reading = read_note(f"Easy run.\n{line}\nGood weather.")
    assert reading.marks == marks
    assert reading.unread == []


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("pain: left elbow 3/10", "unknown place 'elbow' in 'left elbow 3/10' (places: heel,"),
        ("pain: left heel 3", "could not read 'left heel 3'"),  # no /10
        ("pain: left heel three/10", "could not read"),
        ("pain: left heel 11/10", "score 11/10 in 'left heel 11/10' is above 10"),
        ("pain:", "nothing after 'pain:'"),
        ("pain:  , ;", "nothing after 'pain:'"),
        # ambiguous: never guessed at
        ("pain: left right heel 3/10", "two sides in 'left right heel 3/10'"),
        ("pain: left heel 3/10 4/10", "more than one score in 'left heel 3/10 4/10'"),
        ("pain: heel and arch 4/10", "unknown place 'heel and arch'"),
        ("pain: left heel 3/10, left heel 5/10", "the same place twice"),
        ("pain: heel 3/10, Heel 2/10", "the same place twice"),
        # one bad item spoils the line: no half-read lines
        ("pain: left heel 3/10, left elbow 2/10", "unknown place 'elbow' in 'left elbow 2/10'"),
    ],
)
def test_an_unclear_pain_line_is_unread_with_the_reason_and_gives_nothing(line, problem):
    reading = read_note(f"Tempo.\n{line}")
    assert reading.marks == []
    (unread,) = reading.unread
    assert unread.line == line.strip()
    assert problem in unread.problem


def test_each_line_stands_alone():
    reading = read_note("pain: left heel 3/10\npain: left heel 30/10\n- pain: right arch 2/10")
    assert reading.marks == [
        PainMark("heel", "left", False, 3, None),
        PainMark("arch", "right", False, 2, None),
    ]
    assert [u.line for u in reading.unread] == ["pain: left heel 30/10"]


@pytest.mark.parametrize(
    "text",
    [
        "Great run, no pain: lovely",
        "No pain: lovely run",
        "felt the heel (pain: left heel 3/10) but fine",
        "painful: left heel 3/10",
        "",
        None,
    ],
)
def test_prose_is_not_read_at_all(text):
    reading = read_note(text)
    assert (reading.marks, reading.unread) == ([], [])


# -- FIT notes: written, decoded, imported ------------------------------------------------


def test_the_fit_writer_puts_notes_on_the_session_as_a_developer_string_field(tmp_path):
    samples = steady_run(2)
    second = samples.with_columns(
        t_s=samples["t_s"] + 1000, distance_m=samples["distance_m"] + 2010
    )
    path = write_fit(
        tmp_path / "two.fit",
        EVENING_UTC,
        [
            SessionSpec("running", samples, notes="pain: left heel 3/10\nfelt ok ✓"),
            SessionSpec("running", second),
        ],
    )
    with fitparse.FitFile(path.read_bytes()) as parsed:
        (described,) = [m.get_values() for m in parsed.get_messages("field_description")]
        sessions = list(parsed.get_messages("session"))
        (developer,) = [m.get_values() for m in parsed.get_messages("developer_data_id")]
    assert described == {
        "developer_data_index": 0,
        "field_definition_number": 0,
        "fit_base_type_id": "string",
        "field_name": "notes",
    }
    assert developer["developer_data_index"] == 0
    first_notes = [f for f in sessions[0].fields if f.name == "notes"]
    assert [f.value for f in first_notes] == ["pain: left heel 3/10\nfelt ok ✓"]
    assert isinstance(first_notes[0].field, DevField)  # not a native field
    assert "notes" not in sessions[1].get_values()
    # without notes the file has no developer data at all
    plain = write_fit(tmp_path / "plain.fit", EVENING_UTC, [SessionSpec("running", samples)])
    with fitparse.FitFile(plain.read_bytes()) as parsed:
        assert list(parsed.get_messages(["developer_data_id", "field_description"])) == []


def test_the_fit_writer_refuses_notes_a_fit_string_cannot_hold(tmp_path):
    with pytest.raises(ValueError, match="at most 254 bytes"):
        write_fit(
            tmp_path / "long.fit",
            EVENING_UTC,
            [SessionSpec("running", steady_run(1), notes="é" * 128)],  # 256 bytes
        )
    assert not (tmp_path / "long.fit").exists()


def test_each_session_of_a_multisport_file_gets_its_own_notes(tmp_path):
    samples = steady_run(2)
    ride = samples.with_columns(t_s=samples["t_s"] + 1000, distance_m=samples["distance_m"] + 2010)
    path = write_fit(
        tmp_path / "multi.fit",
        EVENING_UTC,
        [
            SessionSpec("running", samples, notes="pain: left heel 3/10"),
            SessionSpec("cycling", ride.drop("cadence_spm"), notes="Pain: right knee 2/10"),
            SessionSpec("running", samples.with_columns(t_s=samples["t_s"] + 2000)),
        ],
        local_offset_s=DENVER_WINTER_S,
    )
    parsed = fit.parse_fit(path, path.read_bytes(), "sha", "America/Denver")
    assert [(a.sport, a.fit_notes) for a in parsed.activities] == [
        ("running", "pain: left heel 3/10"),
        ("cycling", "Pain: right knee 2/10"),
        ("running", None),
    ]


def _moved(transform):
    """decode(), then `transform(decoded)`: notes where other apps put them."""

    def decode_and_move(data: bytes):
        decoded = decode(data)
        transform(decoded)
        return decoded

    return decode_and_move


def test_notes_on_the_activity_message_belong_to_the_first_session(tmp_path, monkeypatch):
    samples = steady_run(2)
    path = write_fit(
        tmp_path / "a.fit",
        EVENING_UTC,
        [
            SessionSpec("running", samples, notes="pain: left heel 3/10"),
            SessionSpec("running", samples.with_columns(t_s=samples["t_s"] + 1000)),
        ],
    )

    def to_activity(decoded):
        decoded.messages["activity"][0]["Note"] = decoded.messages["session"][0].pop("notes")

    monkeypatch.setattr(fit, "decode", _moved(to_activity))
    parsed = fit.parse_fit(path, path.read_bytes(), "sha", "UTC")
    assert [a.fit_notes for a in parsed.activities] == ["pain: left heel 3/10", None]


def test_any_string_field_named_like_notes_counts_in_any_case(tmp_path, monkeypatch):
    path = evening_run(tmp_path, "pain: left heel 3/10")

    def rename(decoded):
        session = decoded.messages["session"][0]
        session["Description"] = session.pop("notes")
        session["COMMENT"] = "  pain: right arch 1/10  "
        session["note"] = 7  # not a string: not a note
        session["notes_count"] = "pain: left toes 9/10"  # another name
        decoded.messages["activity"][0]["notes"] = "pain: left hip 9/10"  # the session has notes

    monkeypatch.setattr(fit, "decode", _moved(rename))
    (activity,) = fit.parse_fit(path, path.read_bytes(), "sha", "UTC").activities
    assert activity.fit_notes == "pain: left heel 3/10\npain: right arch 1/10"


def test_the_fast_decoder_reads_notes_too(tmp_path):
    path = evening_run(tmp_path, "pain: left heel 3/10")
    parsed = fit.parse_fit(path, path.read_bytes(), "sha", "America/Denver")
    assert parsed.decoder == "fitfast"
    (activity,) = parsed.activities
    assert activity.fit_notes == "pain: left heel 3/10"
    assert activity.start_time_utc == EVENING_UTC.replace(tzinfo=None)


def test_the_fallback_decoder_reads_notes_too(tmp_path, monkeypatch):
    path = evening_run(tmp_path, "pain: left heel 3/10")

    def fitparse_fails(data: bytes):
        raise FitParseError("pretend the file is structurally odd")

    monkeypatch.setattr(fit_decode, "fitfast", None)  # as without its wheel
    monkeypatch.setattr(fit_decode, "_with_fitparse", fitparse_fails)
    parsed = fit.parse_fit(path, path.read_bytes(), "sha", "America/Denver")
    assert parsed.decoder == "garmin-fit-sdk"
    (activity,) = parsed.activities
    assert activity.fit_notes == "pain: left heel 3/10"
    assert activity.start_time_utc == EVENING_UTC.replace(tzinfo=None)


def test_the_fallback_decoder_names_a_real_apps_developer_fields():
    path = SHARED_FIT / "strava-android-app-201.10-b1218918.fit"
    if not path.exists():
        pytest.skip(f"{path} not found (../shared/data/fit)")
    decoded = decode(path.read_bytes())
    assert decoded.decoder == "garmin-fit-sdk"  # fitparse rejects this file
    (session,) = decoded.messages["session"]
    # the Strava app's own developer fields, by the names its field descriptions give
    assert session["activity_type"] == "Run"
    assert "developer_fields" not in session


def test_each_file_is_decoded_without_the_last_files_developer_fields(tmp_path, monkeypatch):
    """fitparse keeps developer field descriptions in a global; each file starts afresh, so
    a file using fields it never describes cannot be read with another file's names."""
    monkeypatch.setattr(fit_decode, "fitfast", None)  # fitparse's own path
    with_notes = evening_run(tmp_path, "pain: left heel 3/10")
    assert decode(with_notes.read_bytes()).messages["session"][0]["notes"] == "pain: left heel 3/10"
    assert DEV_TYPES != {}
    plain = evening_run(tmp_path, None, "plain.fit")
    (session,) = decode(plain.read_bytes()).messages["session"]
    assert "notes" not in session
    assert DEV_TYPES == {}


def test_fit_notes_become_pain_on_the_local_day_and_reimport_changes_nothing(tmp_path):
    settings = denver_settings(tmp_path)
    folder = tmp_path / "in"
    evening_run(folder, "Steady, cold.\npain: left heel 3/10 (first steps)\nback home")

    import_paths(settings, [folder], workers=1)

    assert rows(settings.db_path, "SELECT fit_notes, start_time_local FROM activities") == [
        (
            "Steady, cold.\npain: left heel 3/10 (first steps)\nback home",
            datetime(2026, 1, 15, 19, 30),
        )
    ]
    expected = [
        (
            "tester",
            EVENING_LOCAL_DAY,
            "heel",
            "left",
            False,
            3,
            "first steps",
            "fit_notes",
            "evening.fit",
        )
    ]
    assert pain_rows(settings.db_path) == expected
    assert rows(settings.db_path, "SELECT count(*) FROM pain_notes_unread") == [(0,)]

    again = import_paths(settings, [folder], workers=1)
    assert [o.status for o in again.outcomes] == ["duplicate"]
    assert pain_rows(settings.db_path) == expected


def test_an_unreadable_fit_note_is_listed_and_pain_list_says_why_on_stderr(tmp_path, cli_env):
    env = cli_env
    folder = tmp_path / "in"
    evening_run(folder, "pain: left heel 3/10\npain: heel and arch 4/10")
    import_paths(load_settings(env=env), [folder], workers=1)

    assert rows(
        tmp_path / "gaitload.duckdb",
        "SELECT athlete, date, activity, field, line FROM pain_notes_unread",
    ) == [("tester", EVENING_LOCAL_DAY, "evening.fit", "fit_notes", "pain: heel and arch 4/10")]

    wide = {**env, "COLUMNS": "200"}  # rich shortens the table's cells to fit 80 columns
    result = CliRunner().invoke(cli, ["pain", "list"], env=wide, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "heel" in result.stdout and "fit_notes" in result.stdout
    assert "not read" not in result.stdout
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        "not read: 2026-01-15 evening.fit (fit_notes): 'pain: heel and arch 4/10'"
    )
    assert "unknown place 'heel and arch'" in line

    listed = CliRunner().invoke(cli, ["pain", "list", "--json"], env=env, catch_exceptions=False)
    (entry,) = json.loads(listed.stdout)
    assert (entry["place"], entry["score"], entry["source"]) == (
        "left heel",
        3,
        "fit_notes",
    )


# -- Strava: the API and the export ----------------------------------------------------------


@pytest.fixture
def synced(tmp_path, fake_strava):
    settings = strava_settings(tmp_path, fake_strava)
    strava.login(settings, "tester", code=fake_strava.issue_code())
    return settings


def recent_start() -> datetime:
    """Within strava.recheck_days, so every sync re-reads the notes."""
    return (datetime.now(UTC) - timedelta(hours=20)).replace(second=0, microsecond=0)


def test_strava_notes_become_pain_and_an_edited_note_replaces_its_rows(synced, fake_strava):
    start = recent_start()
    fake_strava.add(
        run(
            5001,
            start,
            samples=run_samples(n=61),
            name="Hill reps",
            description="Windy.\npain: right arch 4/10",
            private_note="pain: left heel 2/10",
        )
    )
    local_day = (start + timedelta(hours=-6)).date()  # the fake's UTC-6 offset

    strava.sync(synced)

    assert pain_rows(synced.db_path) == [
        ("tester", local_day, "arch", "right", False, 4, None, "strava_description", "Hill reps"),
        ("tester", local_day, "heel", "left", False, 2, None, "strava_private_note", "Hill reps"),
    ]

    # written after the run: the next sync re-reads recent details
    fake_strava.activities[5001].detail_extra["private_note"] = "pain: left heel 1/10 (better)"
    fake_strava.activities[5001].detail_extra["description"] = "Windy."
    strava.sync(synced)

    assert pain_rows(synced.db_path) == [
        (
            "tester",
            local_day,
            "heel",
            "left",
            False,
            1,
            "better",
            "strava_private_note",
            "Hill reps",
        )
    ]


def test_a_strava_sync_keeps_the_notes_of_the_fit_file_it_merges_with(tmp_path, fake_strava):
    settings = dataclasses.replace(
        strava_settings(tmp_path, fake_strava),
        athletes={"tester": AthleteSettings("tester", "America/Denver")},
    )
    strava.login(settings, "tester", code=fake_strava.issue_code())
    start = recent_start()
    folder = tmp_path / "watch"
    folder.mkdir()
    samples = steady_run(5)
    write_fit(
        folder / "watch.fit",
        start,
        [SessionSpec("running", samples, notes="pain: left heel 3/10")],
        local_offset_s=DENVER_WINTER_S,
    )
    import_paths(settings, [folder], workers=1)
    fake_strava.add(
        run(
            6001,
            start + timedelta(seconds=5),
            samples=samples,
            name="Lunch Run",
            description="pain: right arch 2/10",
            private_note=None,
            utc_offset_s=DENVER_WINTER_S,
        )
    )

    (report,) = strava.sync(settings)
    fake_strava.activities[6001].detail_extra["description"] = "pain: right arch 1/10"
    strava.sync(settings)  # an authoritative re-read of Strava's fields

    assert report.merged == 1
    assert rows(settings.db_path, "SELECT source, strava_id, name, fit_notes FROM activities") == [
        ("fit", 6001, "Lunch Run", "pain: left heel 3/10")
    ]
    day = (start + timedelta(seconds=DENVER_WINTER_S)).date()
    assert pain_rows(settings.db_path) == [
        ("tester", day, "heel", "left", False, 3, None, "fit_notes", "Lunch Run"),
        ("tester", day, "arch", "right", False, 1, None, "strava_description", "Lunch Run"),
    ]


def test_a_fit_file_that_replaces_a_strava_copy_brings_its_notes(tmp_path, fake_strava):
    settings = strava_settings(tmp_path, fake_strava)
    strava.login(settings, "tester", code=fake_strava.issue_code())
    start = datetime(2026, 6, 1, 6, 30, tzinfo=UTC)
    samples = run_samples()
    fake_strava.add(run(7001, start, samples=samples, description=None, private_note=None))
    strava.sync(settings)
    folder = tmp_path / "watch"
    folder.mkdir()
    write_fit(folder / "run.fit", start, [SessionSpec("running", samples, notes="pain: toes 2/10")])

    report = import_paths(settings, [folder], workers=1)

    assert "replaces" in report.outcomes[0].reason
    assert rows(settings.db_path, "SELECT source, strava_id, fit_notes FROM activities") == [
        ("fit", 7001, "pain: toes 2/10")
    ]
    assert [(r[2], r[7]) for r in pain_rows(settings.db_path)] == [("toes", "fit_notes")]


def test_an_exports_activity_description_gives_pain(tmp_path):
    settings = make_settings(tmp_path)
    start = datetime(2026, 6, 1, 6, 30)  # naive UTC, as activities.csv says
    export = write_zip(
        tmp_path / "export_1234567.zip",
        {
            "activities.csv": activities_csv(
                [
                    csv_row(
                        101,
                        start,
                        name="Tempo",
                        filename="activities/101.fit.gz",
                        description="Fast.\npain: right arch 4/10",
                        note="pain: left heel 11/10",
                    )
                ]
            ),
            "activities/101.fit.gz": gz(
                fit_bytes(tmp_path, start.replace(tzinfo=UTC), run_samples())
            ),
        },
    )

    import_paths(settings, [export], workers=1)

    (local_day,) = rows(settings.db_path, "SELECT start_time_local::DATE FROM activities")[0]
    assert pain_rows(settings.db_path) == [
        ("tester", local_day, "arch", "right", False, 4, None, "strava_description", "Tempo")
    ]
    assert rows(settings.db_path, "SELECT field, line FROM pain_notes_unread") == [
        ("private_note", "pain: left heel 11/10")
    ]


# -- gaitload pain add / remove ------------------------------------------------------------


def gaitload(env: dict[str, str], *args: str):
    return CliRunner().invoke(cli, list(args), env=env)


def test_pain_add_twice_for_one_place_and_day_keeps_one_entry_with_the_new_score(cli_env):
    first = gaitload(
        cli_env, "pain", "add", "--where", "heel", "--side", "left", "--score", "3",
        "--date", "2026-01-15",
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert "tester, 2026-01-15, left heel 3/10" in first.stdout
    again = gaitload(
        cli_env, "pain", "add", "--where", "HEEL", "--side", "left", "--score", "5",
        "--date", "2026-01-15", "--note", "worse on stairs",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    other_side = gaitload(
        cli_env, "pain", "add", "--where", "heel", "--side", "right", "--score", "1",
        "--date", "2026-01-15",
    )  # fmt: skip
    assert other_side.exit_code == 0, other_side.output

    assert pain_rows(Path(cli_env["GAITLOAD_DB"])) == [
        ("tester", date(2026, 1, 15), "heel", "left", False, 5, "worse on stairs", "journal", None),
        ("tester", date(2026, 1, 15), "heel", "right", False, 1, None, "journal", None),
    ]


def test_pain_add_rejects_a_score_above_10(cli_env):
    result = gaitload(cli_env, "pain", "add", "--where", "heel", "--score", "11")
    assert result.exit_code == 2
    assert "Invalid value for '--score'" in result.output
    assert "11 is not in the range 0<=x<=10" in result.output
    assert not Path(cli_env["GAITLOAD_DB"]).exists()


def test_pain_remove_refuses_an_entry_read_from_a_note_in_one_line(cli_env, tmp_path):
    evening_run(tmp_path / "in", "pain: left heel 3/10")
    import_paths(load_settings(env=cli_env), [tmp_path / "in"], workers=1)
    db = Path(cli_env["GAITLOAD_DB"])
    ((entry_id,),) = rows(db, "SELECT entry_id FROM pain")

    result = gaitload(cli_env, "pain", "remove", str(entry_id))

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"error: entry {entry_id} was read from an activity note (fit_notes): "
        "edit the note instead\n"
    )
    assert rows(db, "SELECT count(*) FROM pain") == [(1,)]


def test_pain_remove_of_a_journal_entry_and_of_a_missing_one(cli_env):
    added = gaitload(cli_env, "pain", "add", "--where", "arch", "--score", "2")
    assert added.exit_code == 0, added.output
    db = Path(cli_env["GAITLOAD_DB"])
    ((entry_id,),) = rows(db, "SELECT entry_id FROM pain")

    removed = gaitload(cli_env, "pain", "remove", str(entry_id))
    missing = gaitload(cli_env, "pain", "remove", "999")

    assert removed.exit_code == 0 and f"Removed pain entry {entry_id}." in removed.stdout
    assert rows(db, "SELECT count(*) FROM pain") == [(0,)]
    assert missing.exit_code == 1
    assert missing.stderr == "error: no pain entry 999 (see gaitload pain list)\n"
