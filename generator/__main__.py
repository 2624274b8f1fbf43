"""Entry point for ``python -m generator``."""

from generator.console import run

run()
