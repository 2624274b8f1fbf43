"""Limits that keep every command's work bounded on any input, named in one place."""

from __future__ import annotations

MIB = 1024 * 1024

# Connector packages (validate, diff, package). Real connector files are well under 5 MB; the
# certification limit for the swagger is 1 MB (CERT-18) and for script.csx 1 MB (PKG-03).
MAX_FILE_BYTES = 16 * MIB
"""One connector file, as read from a folder or unpacked from a zip."""
MAX_TOTAL_BYTES = 32 * MIB
"""All connector files of one package together, unpacked."""
MAX_ZIP_MEMBERS = 1000
"""Entries in a package zip (a real one has about six)."""
MAX_RUN_BYTES = 160 * MIB
"""All connector files of one ``validate`` run over several paths, read before validating (the
619 certified connectors together have 55 MB)."""

# JSON files of a package.
MAX_JSON_DEPTH = 256
"""Nesting of arrays and objects in a JSON file (certified connectors reach 25)."""
MAX_JSON_VALUES = 100_000
"""Values (objects, arrays, strings, numbers ...) in one JSON file. The shipped swagger has 3,300;
the largest of 607 certified connectors' swaggers has 27,391. Past the limit the file is not
validated (JSON-01): the rules and openapi-spec-validator take about 10 µs per value."""
MAX_FINDINGS_PER_RULE = 1000
"""Findings one rule reports for one connector; the last one then says the rest are left out."""
MAX_INT_DIGITS = 4300
"""Digits of a JSON or YAML integer; Python refuses to convert longer ones (int_max_str_digits)."""

# The YAML connector description (build).
MAX_DESCRIPTION_BYTES = 4 * MIB
"""The description file (the shipped one has 70 KB)."""
MAX_YAML_DEPTH = 64
"""Nesting of mappings and sequences in the description (the shipped one reaches 13)."""
MAX_YAML_NODES = 100_000
"""Values in the description after aliases are expanded (the shipped one has about 3,300);
stops alias bombs ("billion laughs"). Checked on the parse events, as they come: nothing past
the first value over a limit is scanned (also for MAX_YAML_DEPTH)."""

# Power Platform solutions (validate).
MAX_XML_ELEMENTS = 100_000
"""Elements of one solution XML file (customizations.xml of a solution with one connector has
about 30), counted while it is parsed."""

# script.csx (validate: CODE rules).
MAX_SCRIPT_ANALYSED_BYTES = 1 * MIB
"""Larger scripts are only size-checked (PKG-03 rejects them: the platform allows 1 MB)."""
MAX_OPERATION_ALIASES = 16
"""Local copies of Context.OperationId followed by CODE-05 (a real script has one or two)."""
