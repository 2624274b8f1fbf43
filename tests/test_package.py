"""Atomic writing, drift detection and deterministic zips."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from generator.errors import PackageWriteError
from generator.outguard import with_manifest
from generator.package import package_drift, write_file_atomically, write_package, zip_bytes
from tests.conftest import GOLDEN

FILES = {"a.json": b'{"x": 1}\n', "icon.png": b"\x89PNG...", "README.md": b"# t\n"}


def test_write_creates_exactly_the_files(tmp_path: Path) -> None:
    out = tmp_path / "connector"
    write_package(FILES, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == with_manifest(FILES)
    assert [p.name for p in tmp_path.iterdir()] == ["connector"]  # no staging left behind


def test_rewrite_replaces_files_a_previous_build_wrote(tmp_path: Path) -> None:
    out = tmp_path / "connector"
    write_package({**FILES, "stale.txt": b"old"}, out)
    write_package(FILES, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(with_manifest(FILES))


def test_failed_write_keeps_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "connector"
    write_package(FILES, out)
    with pytest.raises(PackageWriteError, match="cannot write"):
        write_package({"sub/dir/file.txt": b"x"}, out)  # a name that cannot be written
    assert {p.name: p.read_bytes() for p in out.iterdir()} == with_manifest(FILES)
    assert [p.name for p in tmp_path.iterdir()] == ["connector"]


def test_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "connector"
    target.write_text("not a folder")
    with pytest.raises(PackageWriteError, match="is not a folder"):
        write_package(FILES, target)
    assert target.read_text() == "not a folder"


def test_drift_names_missing_extra_and_changed_files(tmp_path: Path) -> None:
    out = tmp_path / "connector"
    write_package(FILES, out)
    assert package_drift(FILES, out) == []
    (out / "a.json").write_text('{"x": 2}\n')
    (out / "README.md").unlink()
    (out / "extra.txt").write_text("?")
    drift = package_drift(FILES, out)
    assert "missing: README.md" in drift
    assert "not generated: extra.txt" in drift
    assert "changed: a.json" in drift
    assert '-{"x": 2}' in drift and '+{"x": 1}' in drift


def test_drift_of_missing_folder(tmp_path: Path) -> None:
    assert package_drift(FILES, tmp_path / "nope") == [f"{tmp_path / 'nope'} does not exist"]


def test_zip_is_deterministic_and_complete() -> None:
    first, second = zip_bytes(FILES), zip_bytes(dict(reversed(list(FILES.items()))))
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == sorted(FILES)
        assert archive.read("a.json") == FILES["a.json"]


def test_paconn_zip_drops_stack_owner_only() -> None:
    props = {"properties": {"iconBrandColor": "#f5b400", "stackOwner": "Cybozu", "publisher": "P"}}
    files = {"apiProperties.json": json.dumps(props).encode()}
    with zipfile.ZipFile(io.BytesIO(zip_bytes(files, "paconn"))) as archive:
        written = json.loads(archive.read("apiProperties.json"))
    assert written == {"properties": {"iconBrandColor": "#f5b400", "publisher": "P"}}


def test_atomic_file_write_leaves_no_temp_files(tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    write_file_atomically(target, b"one")
    write_file_atomically(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(tmp_path) == ["out.zip"]


def _package_paconn(source: Path, tmp_path: Path) -> str:
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path / "paconn.zip"
    result = CliRunner().invoke(
        main, ["package", "--from", str(source), "--target", "paconn", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_paconn_package_says_secret_is_required_for_oauth(tmp_path: Path) -> None:
    # paconn create refuses an OAuth setting without --secret (paconn operations/upsert.py).
    output = _package_paconn(GOLDEN, tmp_path)
    assert "paconn create --settings settings.json --secret <OAuth client secret>" in output
    assert "required" in output


def test_paconn_package_without_oauth_needs_no_secret(tmp_path: Path) -> None:
    source = tmp_path / "no-oauth"
    shutil.copytree(GOLDEN, source)
    properties = json.loads((source / "apiProperties.json").read_text(encoding="utf-8"))
    sets = properties["properties"]["connectionParameterSets"]
    sets["values"] = [v for v in sets["values"] if v["name"] != "oauth"]
    for policy in properties["properties"]["policyTemplateInstances"]:  # no token:domain now
        parameters = policy["parameters"]
        if "x-ms-apimTemplateParameter.urlTemplate" in parameters:
            parameters["x-ms-apimTemplateParameter.urlTemplate"] = (
                "https://@connectionParameters('domain')"
            )
    (source / "apiProperties.json").write_text(json.dumps(properties), encoding="utf-8")
    output = _package_paconn(source, tmp_path)
    assert "paconn create --settings settings.json" in output
    assert "--secret" not in output
