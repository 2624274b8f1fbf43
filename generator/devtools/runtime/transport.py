"""Sends an HttpRequest over real HTTP with urllib; HTTP error statuses are answers, not errors."""

from __future__ import annotations

import functools
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from generator.devtools.messages import HttpRequest, HttpResponse
from generator.errors import ConnectorError

Transport = Callable[[HttpRequest], HttpResponse]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """The platform does not follow redirects for connector calls; neither do we."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_transport(
    request: HttpRequest,
    timeout: float = 30.0,
    opener: urllib.request.OpenerDirector = _OPENER,
) -> HttpResponse:
    """Send ``request``; any HTTP status comes back as a response."""
    data = request.body if request.body or request.method in {"POST", "PUT", "PATCH"} else None
    prepared = urllib.request.Request(request.url, data=data, method=request.method)
    for name, value in request.headers:
        prepared.add_header(name, value)
    started = time.perf_counter()
    try:
        with opener.open(prepared, timeout=timeout) as answer:
            status, headers, body = answer.status, answer.getheaders(), answer.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, list(error.headers.items()), error.read()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ConnectorError(f"cannot reach {request.url}: {reason}") from None
    elapsed = (time.perf_counter() - started) * 1000
    return HttpResponse(status, tuple(headers), body, elapsed)


def trusting_transport(ca_file: Path | str | None) -> Transport:
    """http_transport that also trusts the CA in ``ca_file`` (a stand-in's); as is when None.

    Raises ConnectorError when the file is not a readable PEM certificate.
    """
    if ca_file is None:
        return http_transport
    context = ssl.create_default_context()
    try:
        context.load_verify_locations(cafile=str(ca_file))
    except (OSError, ssl.SSLError) as error:
        raise ConnectorError(f"cannot use {ca_file} as a CA certificate: {error}") from None
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))
    return functools.partial(http_transport, opener=opener)
