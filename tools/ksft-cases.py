#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Count the test cases of a selftest run, per case, not per script.

    ksft-cases.py LOG LABEL [--scripts "a.sh b.sh" | --makefile MAKEFILE]
                  [--expect FILE]

LOG is what a VM run printed: the kselftest runner's TAP ("# selftests:
...", "ok N ..." / "not ok N ...") around net/lib.sh's per-case lines
("TEST: name [ OK ]", "[FAIL]", "[SKIP]", "[XFAIL]"). The kselftest runner turns a script
with one skipped case into one SKIP and drops its passing cases; here each
case counts once:

- a case line counts as what it says (XFAIL as a pass: lib.sh marks a case
  XFAIL only where the script says the failure is expected);
- a script that failed (its TAP "not ok", a timeout, a crash) without a
  failing case line counts as one failed case;
- a script that skipped as a whole (exit 4 before any case) counts as one
  skipped case named "SCRIPT: *";
- a script that ends "ok" with no case, or a script in --scripts (or in
  MAKEFILE's TEST_PROGS) that never reported, counts as one failed case;
- a kernel report or an unfinished guest (tools/vm/run's "vm: kernel
  splat", "vm: the guest did not finish") counts as one failed case,
  whatever the tests said.

Every skip must be expected: FILE (tools/expected-skips/KERNEL) lists them,
one "SCRIPT: CASE -- reason" a line ("*" for the whole script). A skip not
listed, and a listed skip that did not happen, each count as a failed case.

Prints one line per case that did not pass, each script's time and cases,
and last "LABEL: N passed, N failed, N skipped"; exits 0.
"""

import argparse
import re
import sys

CASE = re.compile(r'^(?:# )?TEST: (.*?)\s+\[\s*(OK|FAIL|SKIP|XFAIL)\s*\]\s*$')
START = re.compile(r'^# selftests: \S+: (\S+)$')
TAP = re.compile(r'^(not )?ok \d+ selftests: \S+: (\S+?)(?: # (.*))?$')
VMFAIL = re.compile(r'^vm: (kernel splat|the guest did not finish)')
SKIPMSG = re.compile(r'^(?:# )?SKIP:? (.*)$')
TIME = re.compile(r'^(?:# )?(\S+\.sh): (\d+) s$')
# net/lib.sh's log_test prints a failed case's message on the next line,
# after a tab
RETMSG = re.compile(r'^(?:# )?\t(.*\S)\s*$')


class Script:
    def __init__(self, name):
        self.name = name
        self.cases = []         # (verdict, name)
        self.msgs = {}          # case index -> the message after its FAIL
        self.tap = None         # 'ok', 'skip', 'fail'
        self.why = ''
        self.secs = None


def parse(lines):
    scripts = {}
    order = []
    vmfail = []
    cur = None
    failed_case = None          # a FAIL case line was the last line seen

    def get(name):
        if name not in scripts:
            scripts[name] = Script(name)
            order.append(name)
        return scripts[name]

    for line in lines:
        line = line.rstrip('\n')
        if VMFAIL.match(line):
            vmfail.append(line)
            continue
        m = START.match(line)
        if m:
            cur = get(m.group(1))
            continue
        m = TAP.match(line)
        if m:
            s = get(m.group(2))
            note = m.group(3) or ''
            if m.group(1):
                s.tap = 'fail'
                s.why = note
            elif note.startswith('SKIP'):
                s.tap = 'skip'
            else:
                s.tap = 'ok'
            cur = None
            continue
        if cur is None:
            continue
        m = RETMSG.match(line)
        if m and failed_case is not None:
            cur.msgs[failed_case] = m.group(1)
            failed_case = None
            continue
        failed_case = None
        m = CASE.match(line)
        if m:
            cur.cases.append((m.group(2), m.group(1).strip()))
            if m.group(2) == 'FAIL':
                failed_case = len(cur.cases) - 1
            continue
        m = SKIPMSG.match(line)
        if m and not cur.why:
            cur.why = m.group(1)
            continue
        m = TIME.match(line)
        if m and m.group(1) == cur.name:
            cur.secs = int(m.group(2))
    return scripts, order, vmfail


def makefile_progs(path):
    """The scripts a kselftest Makefile lists in TEST_PROGS"""
    progs, on = [], False
    with open(path) as f:
        for line in f:
            if line.startswith('TEST_PROGS :='):
                on = True
            elif on and '# end of TEST_PROGS' in line:
                break
            elif on and line.split():
                progs.append(line.split()[0])
    return progs


def load_expected(path):
    expected = {}
    if not path:
        return expected
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith('#'):
                continue
            key, _, reason = line.partition(' -- ')
            expected[key.strip()] = reason.strip()
    return expected


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('log')
    ap.add_argument('label')
    ap.add_argument('--scripts', default='')
    ap.add_argument('--makefile')
    ap.add_argument('--expect')
    a = ap.parse_args()

    with open(a.log, errors='replace') as f:
        scripts, order, vmfail = parse(f)
    listed = a.scripts.split()
    if a.makefile:
        listed += makefile_progs(a.makefile)
    for name in listed:
        if name not in scripts:
            scripts[name] = Script(name)
            order.append(name)
    expected = load_expected(a.expect)
    seen_skips = set()
    npass = nfail = nskip = 0

    def failed(what):
        nonlocal nfail
        nfail += 1
        print(f'{a.label}: FAIL {what}')

    for name in order:
        s = scripts[name]
        p = sum(1 for v, _ in s.cases if v in ('OK', 'XFAIL'))
        npass += p
        for i, (v, case) in enumerate(s.cases):
            key = f'{name}: {case}'
            if v == 'FAIL':
                failed(key + (f' ({s.msgs[i]})' if i in s.msgs else ''))
            elif v == 'SKIP':
                seen_skips.add(key)
                if key in expected:
                    nskip += 1
                    print(f'{a.label}: SKIP {key} (expected: {expected[key]})')
                else:
                    failed(f'{key}: skipped, and not in the expected skips')
        fails = sum(1 for v, _ in s.cases if v == 'FAIL')
        if s.tap is None:
            failed(f'{name}: no result (did not run, or the run ended in it)')
        elif s.tap == 'fail' and not fails:
            failed(f'{name}: failed outside its cases ({s.why or "no reason given"})')
        elif s.tap == 'skip' and not s.cases:
            key = f'{name}: *'
            seen_skips.add(key)
            if key in expected:
                nskip += 1
                print(f'{a.label}: SKIP {key} (expected: {expected[key]})')
            else:
                failed(f'{key}: skipped whole ({s.why or "no reason given"}),'
                       ' and not in the expected skips')
        elif s.tap == 'ok' and not s.cases:
            failed(f'{name}: passed without running a case')
        secs = f'{s.secs} s' if s.secs is not None else '? s'
        print(f'{a.label}: {name}: {secs}, {len(s.cases)} cases')
    for key in expected:
        if key not in seen_skips:
            failed(f'{key}: an expected skip that did not happen')
    for line in vmfail:
        failed(f'the VM run: {line}')
    print(f'{a.label}: {npass} passed, {nfail} failed, {nskip} skipped')
    return 0


if __name__ == '__main__':
    sys.exit(main())
