#!/usr/bin/python3
"""The house's layering check (ctest house.layering; docs/ARCHITECTURE.md).

Reads every #include "leadsim/..." of engine/ and apps/ and fails, naming file and line, when
a module includes a module it may not. CMake enforces the same layers at compile time (each
module publishes only its own include root); this check also catches an include that a
dependency added by mistake to engine/CMakeLists.txt would let through.

It also keeps the files small enough to read: no engine source over MAX_LINES lines.

Usage: tools/check_layers.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

# module -> modules it may include (besides itself). Bottom to top.
ALLOWED = {
    "core": set(),
    "rng": set(),
    "config": {"core", "rng"},
    "stats": {"core", "rng"},
    "port": {"config", "stats", "core", "rng"},
    "io": {"stats", "config", "core", "rng"},
    "run": {"port", "io", "stats", "config", "core", "rng"},
    "leadership": {"port", "config", "stats", "core", "rng"},
    "march": {"port", "config", "stats", "core", "rng"},
    "analytic": {"port", "config", "stats", "core", "rng"},
    "models": {"leadership", "march", "analytic", "port", "config", "stats", "core", "rng"},
}
MAX_LINES = 800
NEUTRAL = {"core", "rng", "config", "stats", "port", "io", "run"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"leadsim/([a-z_0-9]+)/([^"]+)"')


def module_of_path(rel):
    """Module of a path below engine/leadsim/ ('models/leadership/sim.h' -> 'leadership')."""
    parts = rel.split("/")
    if parts[0] == "models":
        return "models" if len(parts) == 2 else parts[1]
    return parts[0]


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    engine = root / "engine" / "leadsim"
    errors = []
    checked = 0
    for path in sorted(engine.rglob("*")):
        if path.suffix not in (".h", ".cpp", ".in"):
            continue
        mod = module_of_path(path.relative_to(engine).as_posix())
        if mod not in ALLOWED:
            errors.append(f"{path.relative_to(root)}: module '{mod}' is not in the layer table")
            continue
        checked += 1
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES:
            errors.append(f"{path.relative_to(root)}: {len(lines)} lines (at most {MAX_LINES}: "
                          "split it by concern)")
        for n, line in enumerate(lines, 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            target = module_of_path(m.group(1) + "/" + m.group(2))
            if target == mod:
                continue
            if target not in ALLOWED.get(mod, set()):
                why = " (a model-neutral module includes a model header)" if (
                    mod in NEUTRAL and target not in NEUTRAL) else ""
                errors.append(f"{path.relative_to(root)}:{n}: {mod} may not include "
                              f"leadsim/{m.group(1)}/{m.group(2)}{why}")
    for e in errors:
        print(e)
    if errors:
        print(f"layering: {len(errors)} violation(s)")
        return 1
    print(f"layering: {checked} engine files respect the layers and the size limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
