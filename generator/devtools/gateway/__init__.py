"""The platform's gateway, locally: a connection's endpoint on 127.0.0.1 (`serve`)."""

from generator.devtools.gateway.server import GatewayServer

__all__ = ["GatewayServer"]
