"""Where the runtime's HTTP values used to live; they are in generator.devtools.messages."""

from __future__ import annotations

from generator.devtools.messages import HttpRequest, HttpResponse

__all__ = ["HttpRequest", "HttpResponse"]
