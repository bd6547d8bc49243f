#!/usr/bin/env python3
"""Lists public symbols without a `///` doc comment in GreenNN's library modules.

Reads the symbol graphs that `swift package dump-symbol-graph --minimum-access-level public`
writes (one `<Module>.symbols.json` per module; extension graphs of other modules are
skipped) and prints `module: kind path (file:line)` for every public or open symbol that has
no doc comment of its own. Exits 1 when there is any, so `make docs` and CI fail on them.

Usage: undocumented.py SYMBOLGRAPH_DIR MODULE...
"""
import json
import os
import sys


def main() -> int:
    directory, modules = sys.argv[1], sys.argv[2:]
    missing = []
    for module in modules:
        with open(os.path.join(directory, f"{module}.symbols.json")) as handle:
            graph = json.load(handle)
        for symbol in graph["symbols"]:
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            if symbol.get("docComment") or symbol["kind"]["identifier"] == "swift.extension":
                continue
            if "location" not in symbol:  # compiler-synthesized (Hashable's hash(into:), …)
                continue
            location = symbol.get("location", {})
            uri = location.get("uri", "").split("/Sources/")[-1]
            line = location.get("position", {}).get("line", 0) + 1
            path = ".".join(symbol["pathComponents"])
            missing.append(f"{module}: {symbol['kind']['displayName']} {path} (Sources/{uri}:{line})")
    for entry in sorted(missing):
        print(entry)
    print(f"{len(missing)} undocumented public symbol(s) in {', '.join(modules)}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
