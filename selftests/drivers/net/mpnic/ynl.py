#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel's YNL command-line tool, started for less.

    ynl.py [--eval EXPR] CLI_PY ARGS...   (lib.sh: ynl FAMILY ARGS...,
                                            ynl_eval EXPR FAMILY ARGS...)

Runs tools/net/ynl/cli.py with ARGS as it is, but for how it reads a
spec: the YAML is parsed once (with libyaml where Python has it) and kept
as JSON in a cache keyed by the spec's path and modification time; later
calls read the JSON and never import yaml. In the selftests' VM, under
software emulation, importing and running the pure-Python YAML parser is
two thirds of a call's three seconds, and the suite makes hundreds.

--eval EXPR prints the Python expression EXPR over the reply, as "j",
instead of the reply: what a pipe into a second Python that reads the
JSON would print, without that second interpreter's start. A failed call
prints what cli.py printed and exits with its status.
"""

import contextlib
import io
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


def run_eval(cli, expr):
    """cli.py's reply, as JSON, evaluated as expr."""
    out = io.StringIO()
    status = 0
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_path(cli, run_name="__main__")
        except SystemExit as e:
            status = e.code
    if status:
        sys.stdout.write(out.getvalue())
        sys.exit(status)
    j = json.loads(out.getvalue())
    # a global, as in jget: comprehensions do not see eval's locals
    print(eval(expr, {"j": j}))  # pylint: disable=eval-used


def main():
    expr = None
    if len(sys.argv) > 2 and sys.argv[1] == "--eval":
        expr = sys.argv[2]
        del sys.argv[1:3]
    if len(sys.argv) < 2:
        sys.exit("usage: ynl.py [--eval EXPR] CLI_PY ARGS...")
    fake = types.ModuleType("yaml")
    fake.safe_load = safe_load
    sys.modules["yaml"] = fake
    cli = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(cli)))
    if expr is None:
        runpy.run_path(cli, run_name="__main__")
    else:
        run_eval(cli, expr)


if __name__ == "__main__":
    main()
