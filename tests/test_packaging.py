"""What a user's install puts in site-packages: gaitload, and nothing named like another
distribution (the flows install as `gaitload.pipelines`, not as a top-level `pipelines`)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_only_the_gaitload_package(tmp_path):
    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"gaitload", "gaitload-0.1.0.dist-info"}, tops
    for module in ("nightly", "backfill", "schedule", "retries", "local_server"):
        assert f"gaitload/pipelines/{module}.py" in names
    assert "gaitload/dashboards/gaitload_dashboard.py" in names


def test_this_install_imports_the_flows_under_gaitload_only(tmp_path):
    """Run from elsewhere, isolated from the checkout: only what the install provides."""
    probe = (
        "import importlib.util as u\n"
        "assert u.find_spec('pipelines') is None, u.find_spec('pipelines')\n"
        "import gaitload.pipelines.nightly, gaitload.pipelines.backfill\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
