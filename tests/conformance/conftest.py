"""Fixtures: Node with Cybozu's official clients; a stand-in over HTTPS on the conformance seed."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.devtools.standin import DEFAULT_SEED, StandIn

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
CLIENT = MODULES / "@kintone" / "rest-api-client" / "package.json"
CLI = MODULES / "@kintone" / "cli" / "cli.js"
SETUP_HINT = "run `bash .ci/setup` (it runs `npm ci` in tests/conformance when node is installed)"


@dataclass(frozen=True)
class Node:
    """The node executable and the environment to run the official clients against a stand-in."""

    executable: str

    def run(
        self, args: list[str], env: Mapping[str, str], timeout: float = 120.0
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.executable, *args],
            cwd=HERE,
            env={**_without_proxies(os.environ), **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _without_proxies(environ: Mapping[str, str]) -> dict[str, str]:
    """Loopback only: neither client may send the stand-in's traffic through a proxy."""
    return {k: v for k, v in environ.items() if not k.lower().endswith("_proxy")}


def _missing() -> str | None:
    """Why the conformance tests cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "node is not installed (Node 20 or later is needed)"
    if not CLIENT.is_file() or not CLI.is_file():
        return f"the npm packages are not installed in {HERE}; {SETUP_HINT}"
    return None


@pytest.fixture(scope="session")
def node() -> Node:
    """Node with the packages of tests/conformance/package-lock.json; never skipped under CI."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"conformance tests must run in CI, but {reason}", pytrace=False)
        pytest.skip(reason)
    return Node(str(shutil.which("node")))


def conformance_seed() -> dict[str, Any]:
    """The default seed plus the apps of tests/conformance/seed.yaml."""
    seed = yaml.safe_load(DEFAULT_SEED.read_text(encoding="utf-8"))
    extra = yaml.safe_load((HERE / "seed.yaml").read_text(encoding="utf-8"))
    seed["apps"] = [*seed["apps"], *extra["apps"]]
    return seed


@pytest.fixture(scope="module")
def kintone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StandIn]:
    """A stand-in over HTTPS; its CA certificate is a PEM file the clients are told to trust."""
    cert = tmp_path_factory.mktemp("tls") / "standin-ca.pem"
    with StandIn(conformance_seed(), https=True, cert_file=cert) as standin:
        yield standin


def client_env(kintone: StandIn) -> dict[str, str]:
    """Node trusts the stand-in through NODE_EXTRA_CA_CERTS, as with any private CA."""
    return {
        "KINTONE_BASE_URL": kintone.url,
        "NODE_EXTRA_CA_CERTS": str(kintone.ca_file),
    }
