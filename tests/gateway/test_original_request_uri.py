"""Context.OriginalRequestUri in the ScriptBase harness: the URL the platform was called at."""

from __future__ import annotations

import urllib.parse

from generator.devtools.csharp import compile_script
from generator.devtools.messages import HttpRequest
from tests.conftest import ROOT
from tests.support.toolchain import toolchain_or_skip as require_toolchain

SCRIPT = ROOT / "tests" / "data" / "scripts" / "original_request_uri.csx"
CALLED = "https://unitedstates-002.azure-apim.net/apim/kintone/1a2b/k/v1/poll.json?app=2"
FORWARDED = "https://example.cybozu.com/k/v1/poll.json?app=2"


def test_a_script_reads_the_original_url_apart_from_the_forwarded_one() -> None:
    require_toolchain()
    script = compile_script(SCRIPT).script()
    request = HttpRequest("GET", FORWARDED)
    with script.session() as session:
        run = session.run("Poll", request, [], original_url=CALLED)
        assert run.response is not None, run.error
        expected = CALLED.split("?")[0] + "?state=example.cybozu.com"
        assert _same_url(run.response.header("Location"), expected)
        # Without an original URL (a vector that gives none) it is the request's own URL.
        run = session.run("Poll", request, [])
        assert run.response is not None, run.error
        expected = FORWARDED.split("?")[0] + "?state=example.cybozu.com"
        assert _same_url(run.response.header("Location"), expected)


def _same_url(found: str | None, expected: str) -> bool:
    """Equal URLs, an explicit default port aside (UriBuilder writes :443 under mono)."""
    parts, wanted = urllib.parse.urlsplit(found or ""), urllib.parse.urlsplit(expected)
    if (parts.port or 443) != (wanted.port or 443):
        return False
    mine = (parts.scheme, parts.hostname, parts.path, parts.query)
    return mine == (wanted.scheme, wanted.hostname, wanted.path, wanted.query)
