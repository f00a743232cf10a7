#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel's YNL command-line tool, started for less.

    ynl.py CLI_PY ARGS...   (lib.sh: ynl FAMILY ARGS...)

Runs tools/net/ynl/cli.py with ARGS as it is, but for how it reads a
spec: the YAML is parsed once (with libyaml where Python has it) and kept
as JSON in a cache keyed by the spec's path and modification time; later
calls read the JSON and never import yaml. In the selftests' VM, under
software emulation, importing and running the pure-Python YAML parser is
two thirds of a call's three seconds, and the suite makes hundreds.
"""

import json
import os
import runpy
import sys
import types

CACHE = os.environ.get("MPNIC_YNL_CACHE", "/tmp/mpnic-ynl-cache")


def parse_yaml(stream):
    """The spec as the real yaml module reads it."""
    fake = sys.modules.pop("yaml")
    try:
        import yaml
    finally:
        sys.modules["yaml"] = fake
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(stream, Loader=loader)


def safe_load(stream):
    """yaml.safe_load() for nlspec.py, from the cache when it can."""
    path = os.path.realpath(stream.name)
    mtime = os.stat(path).st_mtime_ns
    cache = os.path.join(CACHE, "%s.%d.json" % (path.replace("/", "%"), mtime))
    try:
        with open(cache, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        pass
    data = parse_yaml(stream)
    try:
        os.makedirs(CACHE, exist_ok=True)
        tmp = "%s.%d" % (cache, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.rename(tmp, cache)
    except OSError:
        pass
    return data


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: ynl.py CLI_PY ARGS...")
    fake = types.ModuleType("yaml")
    fake.safe_load = safe_load
    sys.modules["yaml"] = fake
    cli = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(cli)))
    runpy.run_path(cli, run_name="__main__")


if __name__ == "__main__":
    main()
