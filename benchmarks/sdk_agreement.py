"""How many real sessions the import stores as Garmin's FIT SDK reads them, on every field.

    python benchmarks/sdk_agreement.py

Imports ../shared/data/fit and ../shared/data/fit-more (each into its own database) and
counts, with tests/test_fit_reference.py's expectations and tolerances, the files and the
sessions that agree with the SDK on every field and on the import decision. Deliberate
exceptions count as disagreements here: this is the raw agreement.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gaitload.ingest import import_paths
from tests.conftest import make_settings
from tests.test_fit_reference import FOLDERS, SHARED_DATA, folder_report


def main() -> None:
    files = sessions = files_ok = sessions_ok = 0
    with tempfile.TemporaryDirectory() as tmp:
        for prefix in FOLDERS:
            folder = SHARED_DATA / prefix
            settings = make_settings(Path(tmp) / prefix)
            report = import_paths(settings, [folder], workers=2)
            for key, (decision, *per_session) in sorted(
                folder_report(settings, report, folder, prefix).items()
            ):
                files += 1
                files_ok += not decision and not any(per_session)
                for fields in per_session or [[]]:
                    sessions += 1
                    sessions_ok += not decision and not fields
                problems = decision + [
                    f"session {i}: {p}" for i, fs in enumerate(per_session) for p in fs
                ]
                if problems:
                    print(f"{key}: " + "; ".join(problems))
    print(f"files agreeing with the SDK:    {files_ok} of {files}")
    print(f"sessions agreeing with the SDK: {sessions_ok} of {sessions}")


if __name__ == "__main__":
    main()
