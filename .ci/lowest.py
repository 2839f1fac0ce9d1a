"""Print pip constraints pinning every runtime dependency to its declared lower bound.

CI installs with them to prove the bounds in pyproject.toml are true (see .ci/run).
"""

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads(Path(sys.argv[1] if len(sys.argv) > 1 else "pyproject.toml").read_text())
for requirement in project["project"]["dependencies"]:
    match = re.match(r"\s*([A-Za-z0-9_.\[\]-]+)\s*>=\s*([^,;\s]+)", requirement)
    if not match:
        sys.exit(f"no lower bound in {requirement!r}: every dependency declares one")
    name = re.sub(r"\[.*\]", "", match.group(1))
    print(f"{name}=={match.group(2)}")
