"""The committed Python client (clients/python) is what scripts/generate-client makes from docs/openapi.json, and a
package whose name and version are the API's.

docs/openapi.json itself is the app's document (test_contract.py), so together: the client cannot drift from the code.
The journeys that run the client, installed with pip into a fresh virtual environment, are in test_sdk.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "clients" / "python"
SCRIPT = ROOT / "scripts" / "generate-client"


def test_the_client_package_is_the_api_s_name_and_version() -> None:
    client = tomllib.loads((CLIENT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    api = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    document = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert client["name"] == "chopchop-client"
    assert client["version"] == api["version"] == document["info"]["version"]
    assert client["readme"] == "README.md"
    assert (CLIENT / "README.md").is_file()
    assert (CLIENT / "chopchop_client" / "py.typed").is_file()


@pytest.mark.slow
def test_the_committed_client_is_what_the_document_generates() -> None:
    """Fails with the files that differ and the command to run (`scripts/generate-client`)."""
    if shutil.which("uvx") is None:
        pytest.fail("uvx (uv) runs the pinned openapi-python-client: install uv (`pip install uv`)")
    checked = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=300, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.slow
def test_the_check_names_what_differs_and_the_command_that_fixes_it(tmp_path: Path) -> None:
    """A document with one more operation: the check fails, naming the new module and `scripts/generate-client`."""
    document = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    operation = document["paths"]["/health/live"]["get"]
    document["paths"]["/health/alive"] = {"get": {**operation, "operationId": "getAliveness"}}
    changed = tmp_path / "openapi.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    checked = subprocess.run(  # noqa: S603 - our own script
        [sys.executable, str(SCRIPT), "--check", "--document", str(changed)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "missing  clients/python/chopchop_client/api/health/get_aliveness.py" in checked.stderr
    assert "Run `scripts/generate-client`" in checked.stderr
    assert not (CLIENT / "chopchop_client" / "api" / "health" / "get_aliveness.py").exists()
