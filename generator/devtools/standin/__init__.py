"""A kintone stand-in: a real HTTP server on 127.0.0.1 behaving like kintone, in memory."""

from generator.devtools.standin.seed import DEFAULT_SEED, Seed, SeedError, load_seed
from generator.devtools.standin.server import StandIn

__all__ = ["DEFAULT_SEED", "Seed", "SeedError", "StandIn", "load_seed"]
