"""Nightly Strava sync: new activities oldest first, then edits and deletions, within budget.

The cursor (the start time of the newest activity synced in order) is written in the same
transaction as each activity, so a run stopped anywhere — budget spent, Strava down, the
machine off — resumes exactly there. Once the history is complete, each sync also lists
every activity (200 a request) to apply deletions, edits and uploads of old activities,
and re-reads recent activities' details for notes added after the run.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
from stravalib import model

from gaitload import metrics, pain, sqlfiles
from gaitload.config import Settings
from gaitload.errors import RateLimitSpent, StravaAuthError, StravaUnavailable
from gaitload.sources.strava import activity as mapping
from gaitload.sources.strava import linking
from gaitload.sources.strava import tokens as token_store
from gaitload.sources.strava.api import NotFound, StravaApi
from gaitload.sources.strava.budget import RateBudget
from gaitload.store import activities, db, sync_state, writer
from gaitload.store.writer import FileOutcome

SQL = "gaitload.sources.strava.sql"
SOURCE = "strava"


@dataclass
class SyncReport:
    athlete: str
    run_id: str = ""
    new: int = 0
    updated: int = 0
    merged: int = 0
    """Already stored from a file or the export: Strava's title, notes and gear added."""
    deleted: int = 0
    rejected: int = 0
    gear: int = 0
    cursor: datetime | None = None
    caught_up: bool = False
    reconciled: bool = False
    stopped: str | None = None
    """Why the sync stopped before the end (budget, Strava unavailable): the next run resumes."""
    error: str | None = None
    """Why this athlete could not be synced at all (not connected, token revoked)."""
    unavailable: bool = False
    """Stopped because Strava kept failing (5xx, timeouts): worth retrying later."""


Progress = Callable[[SyncReport, str], None]


def sync(
    settings: Settings,
    athlete: str | None = None,
    *,
    on_progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_wait_s: float | None = None,
) -> list[SyncReport]:
    """Sync one athlete, or every connected one; one athlete's failure never stops the rest.

    An inactive Strava application (`StravaAppInactive`) stops everything: no call can work.
    """
    names = [athlete] if athlete else _ordered(settings, token_store.connected_athletes(settings))
    if not names:
        raise StravaAuthError(
            "no athlete is connected to Strava yet: gaitload strava login --athlete NAME"
        )
    run_id = uuid.uuid4().hex[:12]
    reports: list[SyncReport] = []

    def waiting(seconds: float) -> None:
        if on_progress and reports:
            on_progress(reports[-1], f"waiting {seconds:.0f} s for Strava's next rate window")

    budget = RateBudget(
        max_wait_s=settings.strava.max_wait_s if max_wait_s is None else max_wait_s,
        reserve=settings.strava.reserve,
        sleep=sleep,
        on_wait=waiting,
    )
    spent: str | None = None
    with db.publishing(settings.db_path, wait_s=settings.lock_wait_s):  # one copy a run
        for name in names:
            report = SyncReport(athlete=name, run_id=run_id, stopped=spent)
            reports.append(report)
            if spent:
                continue  # the budget is the application's, shared by every athlete
            runner = None
            try:
                runner = _AthleteSync(settings, report, budget, sleep, on_progress)
                runner.run()
            except RateLimitSpent as error:
                report.stopped = spent = str(error)
            except StravaUnavailable as error:
                report.stopped = str(error)
                report.unavailable = True
            except StravaAuthError as error:
                report.error = str(error)
            if runner is not None and (report.stopped or report.error):
                runner.note_stop(report.stopped or report.error)
            if runner is not None:  # what was stored counts, even if the sync stopped
                with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
                    metrics.refresh(con, athlete_id=runner.athlete_id)
                    pain.read_notes(con, runner.athlete_id)
    return reports


def _ordered(settings: Settings, names: list[str]) -> list[str]:
    if not settings.db_path.exists():
        return names
    with db.opened(settings.db_path, wait_s=settings.lock_wait_s) as con:
        order = sync_state.athletes_in_order(con, SOURCE)
    rank = {name: i for i, name in enumerate(order)}
    return sorted(names, key=lambda n: rank.get(n, len(rank)))


class _AthleteSync:
    def __init__(
        self,
        settings: Settings,
        report: SyncReport,
        budget: RateBudget,
        sleep: Callable[[float], None],
        on_progress: Progress | None,
    ) -> None:
        self.settings, self.report, self.budget = settings, report, budget
        self.on_progress = on_progress
        self.name = report.athlete
        self.timezone = settings.timezone_of(self.name)
        self.api = StravaApi(settings, self.name, budget, sleep=sleep)
        self.fetched: set[int] = set()
        self.gear_tried: set[str] = set()
        with self._db() as con:
            self.athlete_id, self.timezone = writer.ensure_athlete(
                con, settings.athlete(self.name), settings.default_timezone
            )
            state = sync_state.load(con, SOURCE, self.athlete_id)
            self.linked = self._read_linked(con)
            self.known_gear = {
                r[0]
                for r in con.execute(
                    sqlfiles.load(SQL, "known_gear.sql"), {"athlete_id": self.athlete_id}
                ).fetchall()
            }
        self.strava_athlete_id = int(state.account_id) if state.account_id else None
        self.cursor, self.backfill_done = state.cursor, state.backfill_done
        report.cursor = self.cursor

    def run(self) -> None:
        profile = self.api.athlete_profile()
        self._check_account(profile.id)
        self._save_gear(profile)
        from_scratch = self.cursor is None
        self._new_activities()
        if not from_scratch:
            self._reconcile()
        self._recheck_recent()
        self._progress("done")

    # -- phase 1: everything after the cursor, oldest first -------------------------------
    def _new_activities(self) -> None:
        per_page = self.settings.strava.per_page
        while True:
            after = int(self.cursor.replace(tzinfo=UTC).timestamp()) - 1 if self.cursor else 0
            page = self.api.list_activities(after, per_page)
            before = self.cursor
            for summary in page:
                if self.cursor is None or _start(summary) >= self.cursor:
                    self._one(summary, advance=True)
            if len(page) < per_page or self.cursor == before:
                break
        self.report.caught_up = True
        self._write(lambda con: self._save_state(con, backfill_done=True))

    # -- phase 2: the full listing shows deletions, edits and late uploads of old runs -----
    def _reconcile(self) -> None:
        per_page = self.settings.strava.per_page
        listed: dict[int, dict] = {}
        page = 1
        while True:
            items = self.api.list_page(page, per_page)
            listed.update((int(s["id"]), s) for s in items)
            self._progress(f"listing all activities: {len(listed)}")
            if len(items) < per_page:
                break
            page += 1
        linked = self.linked
        for strava_id in sorted(set(linked) - set(listed)):
            self._write(lambda con, sid=strava_id: self._forget(con, sid, "deleted on Strava"))
        for summary in sorted(listed.values(), key=_start):
            strava_id = int(summary["id"])
            if strava_id in self.fetched:
                continue
            stored = linked.get(strava_id)
            if stored is None or stored["fingerprint"] != mapping.fingerprint(summary):
                self._one(summary, advance=False)
        self._write(lambda con: sync_state.mark_reconciled(con, SOURCE, self.athlete_id))
        self.report.reconciled = True

    # -- phase 3: notes are often written after the run ------------------------------------
    def _recheck_recent(self) -> None:
        since = datetime.now(UTC).replace(tzinfo=None) - timedelta(
            days=self.settings.strava.recheck_days
        )
        for strava_id, stored in sorted(self.linked.items()):
            if stored["start_time_utc"] >= since and strava_id not in self.fetched:
                self._refetch_details(strava_id, stored)

    # -- one activity -----------------------------------------------------------------------
    def _one(self, summary: dict, *, advance: bool) -> None:
        strava_id = int(summary["id"])
        print_ = mapping.fingerprint(summary)
        stored = self.linked.get(strava_id)
        if stored and stored["fingerprint"] == print_:
            self._advance(summary, advance)
            return
        if stored and stored["fingerprint"] is None and stored["via"] == "export":
            # known from the export: the list's summary adds what the export lacks, for free
            activity = mapping.to_activity(_summary_model(summary), None, self.timezone)
            self._write(
                lambda con: self._enrich(con, stored, activity, print_, False, summary, advance)
            )
            return
        self.budget.acquire(2)  # details and streams together, or not at all
        try:
            detail = self.api.activity(strava_id)
        except NotFound:
            self._write(
                lambda con: self._forget(
                    con, strava_id, "deleted before it was fetched", summary if advance else None
                )
            )
            return
        self.fetched.add(strava_id)
        try:
            activity = mapping.to_activity(detail, None, self.timezone)
        except Exception as error:  # one odd activity must not stop the history behind it
            why = f"{type(error).__name__}: {error}"
            self._write(lambda con: self._reject(con, strava_id, why, summary, advance))
            return
        if stored is not None:
            if stored["source"] != "strava" or not _recording_changed(stored, activity):
                self._write(
                    lambda con: self._enrich(con, stored, activity, print_, True, summary, advance)
                )
                return
        elif self._file_copy(activity):
            # a device file already holds the richer recording: no streams needed
            self._write(lambda con: self._store(con, activity, print_, summary, advance))
            return
        if not detail.manual:
            with contextlib.suppress(NotFound):  # no streams (or gone: the listing will tell)
                streams = self.api.streams(strava_id, mapping.STREAM_TYPES)
                activity = mapping.to_activity(detail, streams, self.timezone)
        self._ensure_gear(activity.gear_id)
        self._write(lambda con: self._store(con, activity, print_, summary, advance))

    def _refetch_details(self, strava_id: int, stored: dict) -> None:
        try:
            detail = self.api.activity(strava_id)
        except NotFound:
            self._write(lambda con: self._forget(con, strava_id, "deleted on Strava"))
            return
        self.fetched.add(strava_id)
        activity = mapping.to_activity(detail, None, self.timezone)
        self._write(lambda con: self._enrich(con, stored, activity, None, True, None, False))

    # -- writes: each in one transaction with the cursor ----------------------------------
    def _store(self, con, activity, print_: str, summary: dict, advance: bool) -> None:
        stored = activities.store(
            con, activity, self.athlete_id, source_file=None, file_sha256=None, fingerprint=print_
        )
        status = {"inserted": "imported", "kept": "duplicate"}.get(stored.action, "updated")
        if stored.action == "inserted":
            self.report.new += 1
        elif stored.action == "kept":
            self.report.merged += 1
        else:
            self.report.updated += 1
        reason = f"{stored.action} #{stored.activity_id}" + (
            f" ({stored.other})" if stored.other else ""
        )
        self._log(con, activity.link.external_id, status, reason, activity.samples.height)
        self._advance_in(con, summary, advance)

    def _enrich(self, con, stored, activity, print_, authoritative, summary, advance) -> None:
        activities.enrich(con, stored["activity_id"], activity, print_, authoritative=authoritative)
        if stored["source"] == "strava":
            self.report.updated += 1
        else:
            self.report.merged += 1
        self._log(
            con, activity.link.external_id, "updated", f"Strava fields of #{stored['activity_id']}"
        )
        if summary is not None:
            self._advance_in(con, summary, advance)

    def _forget(self, con, strava_id: int, why: str, summary: dict | None = None) -> None:
        done = activities.forget(con, self.athlete_id, SOURCE, str(strava_id))
        if done:
            self.report.deleted += 1
            self._log(con, strava_id, "deleted", f"{why}: {done}")
        if summary is not None:
            self._advance_in(con, summary, True)

    def _reject(self, con, strava_id: int, why: str, summary: dict, advance: bool) -> None:
        self.report.rejected += 1
        self._log(con, strava_id, "rejected", f"could not be read: {why}")
        self._advance_in(con, summary, advance)

    def _advance(self, summary: dict, advance: bool) -> None:
        if advance:
            self._write(lambda con: self._advance_in(con, summary, True))

    def _advance_in(self, con, summary: dict, advance: bool) -> None:
        if not advance:
            return
        start = _start(summary)
        if self.cursor is None or start > self.cursor:
            self.cursor = self.report.cursor = start
        self._save_state(con, synced=1)

    def note_stop(self, reason: str) -> None:
        """Why this run ended early, for `strava_sync.last_stop_reason`."""
        self._write(lambda con: self._save_state(con, stop_reason=reason))

    def _save_state(
        self, con, *, synced: int = 0, backfill_done: bool = False, stop_reason: str | None = None
    ) -> None:
        account = str(self.strava_athlete_id) if self.strava_athlete_id is not None else None
        sync_state.save(
            con,
            SOURCE,
            self.athlete_id,
            account_id=account,
            cursor=self.cursor,
            synced=synced,
            backfill_done=backfill_done,
            stop_reason=stop_reason,
        )

    def _log(self, con, strava_id, status: str, reason: str, records: int = 0) -> None:
        outcome = FileOutcome(path=f"strava:{strava_id}", status=status, reason=reason)
        outcome.records = records
        writer.log(con, self.report.run_id, self.athlete_id, outcome, source="strava")

    # -- gear and account -------------------------------------------------------------------
    def _check_account(self, strava_athlete_id: int) -> None:
        if self.strava_athlete_id not in (None, strava_athlete_id):
            raise StravaAuthError(
                f"the Strava token of {self.name} belongs to Strava athlete {strava_athlete_id}, "
                f"but {self.name}'s synced activities are Strava athlete "
                f"{self.strava_athlete_id}'s; {token_store.reconnect_hint(self.name)} "
                "using the right Strava account"
            )
        self.strava_athlete_id = strava_athlete_id
        self._write(lambda con: self._save_state(con))

    def _save_gear(self, profile: Any) -> None:
        items = [("shoe", g) for g in profile.shoes or []] + [
            ("bike", g) for g in profile.bikes or []
        ]

        def write(con) -> None:
            for kind, gear in items:
                self._upsert_gear(con, kind, gear)

        self._write(write)

    def _ensure_gear(self, gear_id: str | None) -> None:
        if gear_id is None or gear_id in self.gear_tried:
            return
        self.gear_tried.add(gear_id)
        if gear_id in self.known_gear:
            return
        try:
            gear = self.api.gear(gear_id.removeprefix("strava:"))
        except NotFound:
            return
        kind = "bike" if gear_id.removeprefix("strava:").startswith("b") else "shoe"
        self._write(lambda con: self._upsert_gear(con, kind, gear))

    def _upsert_gear(self, con, kind: str, gear: Any) -> None:
        gear_id, name = f"strava:{gear.id}", gear.name or gear.id
        distance = float(gear.distance) if gear.distance is not None else None
        writer.save_gear(con, self.athlete_id, gear_id, kind, name, distance)
        linking.adopt_export_gear(con, self.athlete_id, gear_id, name)
        self.known_gear.add(gear_id)
        self.report.gear += 1

    # -- helpers ---------------------------------------------------------------------------
    def _read_linked(self, con) -> dict[int, dict]:
        """Stored activities by Strava id, read once; `_write` keeps the map current."""
        linked = sync_state.linked(con, SOURCE, self.athlete_id)
        return {int(external_id): stored for external_id, stored in linked.items()}

    def _file_copy(self, activity) -> bool:
        with self._db() as con:
            found = activities.find(con, activity, self.athlete_id)
        return found is not None and found["source"] != "strava" and found["samples"] > 0

    def _db(self):
        """Opened per write; migrated once, at the first open of the sync; the readers'
        snapshot is published once, when `sync` ends (`db.publishing`)."""
        migrated, self.migrated = getattr(self, "migrated", False), True
        return db.opened(
            self.settings.db_path,
            wait_s=self.settings.lock_wait_s,
            migrations=not migrated,
            publish=False,
        )

    def _write(self, fn: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """One transaction, on a connection held only while writing (readers can get in)."""
        with self._db() as con:
            with db.transaction(con):
                fn(con)
            self.linked = self._read_linked(con)
        self._progress("")

    def _progress(self, message: str) -> None:
        if self.on_progress:
            self.on_progress(self.report, message)


def _start(summary: dict) -> datetime:
    return datetime.fromisoformat(summary["start_date"].replace("Z", "+00:00")).replace(tzinfo=None)


def _summary_model(summary: dict) -> model.SummaryActivity:
    return model.SummaryActivity.model_validate(summary)


def _recording_changed(stored: dict, activity) -> bool:
    """A crop or a corrected distance changes the streams; a new title does not."""
    return (
        abs((stored["start_time_utc"] - activity.start_time_utc).total_seconds()) > 1
        or abs((stored["elapsed_time_s"] or 0) - (activity.elapsed_time_s or 0)) > 1
        or abs((stored["distance_m"] or 0) - (activity.distance_m or 0)) > 1
    )
