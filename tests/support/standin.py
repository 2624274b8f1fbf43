"""HTTPS stand-ins that share the test session's CA, so one script host trusts them all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.devtools.standin import StandIn
from generator.devtools.standin.tls import Certificates

SessionCA = tuple[Certificates, Path]  # the standin_certificates fixture


def https_standin(ca: SessionCA, seed: Any = None, **options: Any) -> StandIn:
    """A stand-in over HTTPS with the session's certificates (start it with ``with``)."""
    certificates, ca_file = ca
    return StandIn(seed, https=True, certificates=certificates, cert_file=ca_file, **options)
