"""Shared fixtures: paths to the test data and the repository's golden record."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DESCRIPTIONS = DATA / "descriptions"
GOLDEN = ROOT / "connector"


@pytest.fixture(scope="session")
def kintone_build():  # type: ignore[no-untyped-def]
    """One in-memory build of the shipped kintone description."""
    from generator.pipeline import build

    return build()


@pytest.fixture(autouse=True)
def throttle_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test's own throttle state folder for `call`, never the user's ~/.local/state."""
    folder = tmp_path_factory.mktemp("throttle-state")
    monkeypatch.setenv("KINTONE_CONNECTOR_STATE_DIR", str(folder))
    return folder
