"""Generate, validate and package the kintone Power Platform custom connector."""

__version__ = "0.1.0"
