"""`call` and `listen` against the stand-in, as a user runs them."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.devtools.standin import StandIn
from tests.conftest import GOLDEN
from tests.runtime.conftest import Connect
from tests.support.calls import TOKENS, ok
from tests.support.toolchain import toolchain_or_skip


def _base(kintone: StandIn, token: str = TOKENS) -> list[str]:
    domain = ["--domain", kintone.domain, "--ca-file", str(kintone.ca_file)]
    return ["--package", str(GOLDEN), *domain, "--api-token", token]


def test_call_prints_kintones_answer(kintone: StandIn) -> None:
    body = {
        "record": {"Title": {"value": "CLI"}, "Amount": {"value": 1}, "Priority": {"value": "Low"}}
    }
    result = CliRunner().invoke(
        main, ["call", "AddRecord", *_base(kintone), "--param", "app=2", "--body", json.dumps(body)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["revision"] == "1"


def test_call_surfaces_a_kintone_error_with_exit_1(kintone: StandIn) -> None:
    result = CliRunner().invoke(
        main,
        [
            "call",
            "GetRecord",
            *_base(kintone, "customers-view"),
            "--param",
            "app=2",
            "--param",
            "id=1",
        ],
    )
    assert result.exit_code == 1
    assert '"code": "GAIA_IA02"' in result.output and "answered HTTP 400" in result.output


def test_call_rejects_an_unknown_operation_without_traceback(kintone: StandIn) -> None:
    result = CliRunner().invoke(main, ["call", "AddRecrd", *_base(kintone)])
    assert result.exit_code == 2  # a usage error (issue 19)
    assert "did you mean AddRecord" in result.output and "Traceback" not in result.output


def test_listen_prints_a_notification_and_unsubscribes(kintone: StandIn, connect: Connect) -> None:
    outcome: dict[str, object] = {}

    def listen() -> None:
        outcome["result"] = CliRunner().invoke(
            main,
            [
                "listen",
                "AddWebhookForAddingRecord",
                *_base(kintone),
                "--param",
                "app=2",
                "--count",
                "1",
                "--timeout",
                "15",
            ],
        )

    thread = threading.Thread(target=listen)
    thread.start()
    runtime = connect(TOKENS)
    for _ in range(100):  # wait until the subscription exists
        if kintone.store.webhooks:
            break
        threading.Event().wait(0.05)
    record = {"Title": {"value": "Heard"}, "Amount": {"value": 1}, "Priority": {"value": "Low"}}
    ok(runtime.call("AddRecord", body={"app": "2", "record": record}))
    thread.join(timeout=20)
    result = outcome["result"]
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    payload = json.loads(result.stdout.strip().splitlines()[0])  # type: ignore[attr-defined]
    assert payload["type"] == "ADD_RECORD" and payload["recordTitle"] == "Heard"
    assert "unsubscribed" in result.output  # type: ignore[attr-defined]
    assert kintone.store.webhooks == []


def test_call_types_body_params_by_the_schema(kintone: StandIn) -> None:
    runner = CliRunner()
    changed = runner.invoke(
        main,
        [
            "call",
            "PutPreviewAppStatus",
            *_base(kintone, "deals-full"),
            "--param",
            "app=2",
            "--param",
            "enable=false",
        ],
    )
    assert changed.exit_code == 0, changed.output
    read = runner.invoke(
        main, ["call", "GetPreviewAppStatus", *_base(kintone, "deals-full"), "--param", "app=2"]
    )
    assert json.loads(read.stdout)["enable"] is False
    deploy = runner.invoke(
        main, ["call", "GetPreviewAppDeploy", *_base(kintone, "deals-full"), "--param", "apps=2"]
    )
    assert json.loads(deploy.stdout)["apps"][0]["app"] == "2"


def test_exactly_one_kind_of_credentials_is_required(kintone: StandIn) -> None:
    runner = CliRunner()
    base = [
        "call",
        "GetApp",
        "--package",
        str(GOLDEN),
        "--domain",
        kintone.domain,
        "--param",
        "id=2",
    ]
    none = runner.invoke(main, base)
    both = runner.invoke(main, [*base, "--api-token", "deals-full", "--username", "sato"])
    for result in (none, both):
        assert result.exit_code == 2
        assert "give exactly one of --api-token, --username or --oauth-token" in result.output


def test_listen_polls_a_polling_trigger(kintone: StandIn, connect: Connect) -> None:
    outcome: dict[str, object] = {}

    def listen() -> None:
        outcome["result"] = CliRunner().invoke(
            main,
            [
                "listen",
                "OnRecordsAdded",
                *_base(kintone),
                "--param",
                "app=2",
                "--interval",
                "0.1",
                "--count",
                "2",
                "--timeout",
                "15",
            ],
        )

    # The first check sets the watermark (no backfill): add the records only once it is done,
    # while the second check waits, however slowly the CLI starts on a busy machine.
    first = kintone.hold_next("GET", "/k/v1/records.json")
    thread = threading.Thread(target=listen)
    thread.start()
    assert first.arrived.wait(30)
    second = kintone.hold_next("GET", "/k/v1/records.json")
    first.release()
    assert second.arrived.wait(30)
    rows = [
        {"Title": {"value": f"Polled {i}"}, "Amount": {"value": i}, "Priority": {"value": "Low"}}
        for i in range(2)
    ]
    ok(connect(TOKENS).call("AddRecords", body={"app": "2", "records": rows}))
    second.release()
    thread.join(timeout=20)
    result = outcome["result"]
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]  # type: ignore[attr-defined]
    assert [r["Title"]["value"] for r in lines] == ["Polled 0", "Polled 1"]


def test_call_runs_the_compiled_script(kintone: StandIn) -> None:
    toolchain_or_skip()
    result = CliRunner().invoke(
        main,
        ["call", "GetPreviewAppDeploy", *_base(kintone, "deals-full"), "--param", "apps=2,3"],
    )
    assert result.exit_code == 1  # app 3 needs its own token: kintone's error comes through
    assert "GAIA_IA02" in result.output or "GAIA_NO01" in result.output


@pytest.mark.parametrize("command", ["call", "listen"])
def test_without_mono_call_and_listen_exit_2_saying_how_to_install_it(
    kintone: StandIn, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("MONO", "no-such-mono-here")
    operation = "GetApp" if command == "call" else "AddWebhookForAddingRecord"
    result = CliRunner().invoke(main, [command, operation, *_base(kintone), "--param", "app=2"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "mono" in lines[0] and "bash .ci/setup" in lines[0]
    assert "apt-get install mono-runtime" in lines[0]


def test_engine_option_is_gone(kintone: StandIn) -> None:
    result = CliRunner().invoke(main, ["call", "GetApp", *_base(kintone), "--engine", "csharp"])
    assert result.exit_code == 2 and "No such option '--engine'" in result.output


def test_call_without_a_package_runs_the_shipped_connector(
    kintone: StandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./connector here: the tool builds its own package
    domain = ["--domain", kintone.domain, "--ca-file", str(kintone.ca_file)]
    result = CliRunner().invoke(
        main, ["call", "GetApp", *domain, "--api-token", "deals-full", "--param", "id=2"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["appId"] == "2"
    assert list(tmp_path.iterdir()) == []


def test_listen_on_an_action_names_the_triggers(kintone: StandIn) -> None:
    result = CliRunner().invoke(main, ["listen", "AddRecord", *_base(kintone), "--param", "app=2"])
    assert result.exit_code == 1
    assert "AddRecord is not a trigger; the triggers: AddWebhookForAddingRecord," in result.output
    assert "OnRecordsAdded" in result.output
