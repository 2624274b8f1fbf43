"""Custom code engines: the Python reference of our script.csx, behind a small protocol."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

from generator import customcode
from generator.runtime.messages import HttpRequest, HttpResponse
from generator.runtime.transport import Transport


class ScriptEngine(Protocol):
    """Runs one operation's custom code; ``send`` plays Context.SendAsync."""

    def execute(self, operation_id: str, request: HttpRequest, send: Transport) -> HttpResponse:
        """The response the custom code returns for ``request``."""
        ...


class ReferenceScript:
    """script.csx as the Python reference runs it (generator/customcode.py)."""

    def __init__(self, context: Mapping[str, Any]) -> None:
        self._schema_op = str(context["record_schema_operation"])
        self._fields_path = str(context["fields_path"])
        self._webhooks = frozenset(str(op) for op in context["webhook_operations"])
        self._remove_path = str(context["remove_webhook_path"])
        self._indexed = {
            str(item["operation"]): tuple(item["parameters"])
            for item in context["indexed_array_operations"]
        }

    @classmethod
    def for_kintone(cls) -> ReferenceScript:
        """The engine for the kintone connector this project generates."""
        from generator.parse import default_description, parse_description
        from generator.render.properties import script_context

        return cls(script_context(parse_description(default_description())))

    def execute(self, operation_id: str, request: HttpRequest, send: Transport) -> HttpResponse:
        """Dispatch on the operation id exactly as ExecuteAsync does."""
        if operation_id == self._schema_op:
            return self._record_schema(request, send)
        if operation_id in self._webhooks:
            return self._subscribe(request, send)
        if operation_id in self._indexed:
            url = customcode.indexed_query(request.url, self._indexed[operation_id])
            return send(replace(request, url=url))
        return send(request)

    def _record_schema(self, request: HttpRequest, send: Transport) -> HttpResponse:
        url = customcode.record_schema_upstream_url(request.url, self._fields_path)
        upstream = send(replace(request, method="GET", url=url, body=b""))
        if not 200 <= upstream.status < 300:
            return upstream
        result = customcode.record_schema_result(request.url, upstream.status, upstream.body)
        return HttpResponse(result.status, tuple(result.headers.items()), result.body)

    def _subscribe(self, request: HttpRequest, send: Transport) -> HttpResponse:
        upstream = send(request)
        if not 200 <= upstream.status < 300:
            return upstream
        body = customcode.parse_json_object(request.body) or {}
        result = customcode.subscribe_result(
            request.url, body, upstream.status, upstream.body, self._remove_path
        )
        kept = tuple((k, v) for k, v in upstream.headers if k.lower() != "content-length")
        return HttpResponse(result.status, kept + tuple(result.headers.items()), result.body)
