"""The custom code as the runtime runs it: the package's script.csx, compiled with mono."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from generator.devtools.csharp import ScriptSession, compile_script
from generator.devtools.messages import HttpRequest, HttpResponse
from generator.devtools.runtime.transport import Transport

# The custom code's response, and the upstream requests it sent itself (not through ``send``).
ScriptAnswer = tuple[HttpResponse, tuple[HttpRequest, ...]]


class ScriptEngine(Protocol):
    """Runs one operation's custom code; ``send`` may play Context.SendAsync."""

    def execute(
        self,
        operation_id: str,
        request: HttpRequest,
        send: Transport,
        original_url: str | None = None,
    ) -> ScriptAnswer:
        """The response the custom code returns for ``request`` (the request after policies),
        and what it sent itself. ``original_url``: Context.OriginalRequestUri, the URL the
        platform was called at.
        """
        ...


class CompiledScriptEngine:
    """script.csx compiled with mono; its Context.SendAsync really sends over HTTP."""

    def __init__(self, session: ScriptSession) -> None:
        self.session = session

    @classmethod
    @contextmanager
    def open(cls, package: Path, ca_file: Path | None = None) -> Iterator[CompiledScriptEngine]:
        """Compile the package's script.csx (cached) and keep one mono host running.

        ``ca_file``: a CA certificate (PEM) the script's SendAsync trusts, e.g. a stand-in's.
        Raises ToolchainMissing or ScriptCompileError, both ConnectorErrors, with their reason.
        """
        with compile_script(package).script().trusting(ca_file).session() as session:
            yield cls(session)

    def execute(
        self,
        operation_id: str,
        request: HttpRequest,
        send: Transport,
        original_url: str | None = None,
    ) -> ScriptAnswer:
        """The compiled script's answer; it sends upstream itself, so ``send`` goes unused."""
        run = self.session.run(operation_id, request, original_url=original_url)
        return run.raise_for_error(), run.sent
