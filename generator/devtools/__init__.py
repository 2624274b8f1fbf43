"""Developer tooling around the connector: the kintone stand-in, the connector runtime (the
platform's gateway, run locally) and the C# harness that compiles and runs script.csx.

The core pipeline (load → parse → model → render → validate → package) never imports this
package; tests/test_imports.py enforces it.
"""
