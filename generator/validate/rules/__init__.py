"""The rule families, one module per id prefix; generator/validate/registry.py lists them."""
