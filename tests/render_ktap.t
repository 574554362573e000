#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# render_ktap.t: ktap.txt (harness/record/render_ktap.c) read by the kernel's own KTAP parser,
# tools/testing/kunit (build/kunit, `make kunit-tool`), on runs built by hand
# (tests/harness_render.c): every verdict, hostile bytes and kunit.py's end-of-output markers in
# the evidence, '#' and ':' in names, a guest death, strict mode, an interrupted run. The parser
# must find exactly the results (no phantom test, none dropped), give each the status its verdict
# maps to (docs/protocol.md, "ktap.txt"), file each result's evidence under that result and no
# other, and report no parse error; `kunit.py parse` itself must count the same.
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as R  # noqa: E402

if not R.kunit_available():
    R.skip_all(f'no kunit.py in {R.KUNIT}: `make kunit-tool` extracts it from a kernel tree')


def want_status(verdict, strict):
    if verdict in ('PASS',) or (verdict == 'KNOWN-FAIL' and not strict):
        return 'SUCCESS'
    if verdict == 'SKIP' or (verdict == 'SILENT-SKIP' and not strict):
        return 'SKIPPED'
    return 'FAILURE'


for scenario, verdicts in R.SCENARIOS.items():
    out = R.render(scenario)
    path = os.path.join(out, 'ktap.txt')
    with open(path, 'rb') as f:
        raw = f.read()
    lines = raw.decode('utf-8', errors='strict').splitlines()
    R.ok(lines[0] == 'KTAP version 1' and
         [l for l in lines if re.match(r'1\.\.\d+$', l)] == [f'1..{len(verdicts)}'] and
         next(i for i, l in enumerate(lines) if l.startswith('1..')) <
         next(i for i, l in enumerate(lines) if re.match(r'(not )?ok ', l)),
         f'{scenario}: version line first, one plan 1..{len(verdicts)} before the results',
         '\n'.join(lines[:5]))
    results = [l for l in lines if re.match(r'(not )?ok \d+ ', l)]
    names = [l.split(' ', 3)[2] if l.startswith('ok') else l.split(' ', 4)[3] for l in results]
    R.ok(all(re.fullmatch(r'[A-Za-z0-9_.-]+', n) for n in names) and
         len(set(names)) == len(names),
         f'{scenario}: result names unique, of [A-Za-z0-9_.-] only', '\n'.join(names))
    R.ok(all(l.startswith(('KTAP version 1', '1..', 'ok ', 'not ok ', '# ', 'Bail out! '))
             for l in lines),
         f'{scenario}: every line is a version, plan, result, diagnostic or Bail out! line')

    test, printed = R.kunit_parse(path)
    subs = test.subtests
    R.ok(len(subs) == len(verdicts) and test.counts.errors == 0 and '[ERROR]' not in printed,
         f'{scenario}: kunit_parser finds the {len(verdicts)} results and no parse error',
         f'found {len(subs)}, errors {test.counts.errors}\n{printed}')
    got = [s.status.name for s in subs]
    want = [want_status(v, scenario == 'strict') for v in verdicts]
    R.ok(got == want, f'{scenario}: statuses {want}', f'got {got}')
    misfiled = []
    for i, s in enumerate(subs, 1):
        log = '\n'.join(s.log)
        want_tokens = [] if scenario == 'interrupted' and i == 3 else [i]
        if R.tokens(log) != want_tokens:
            misfiled.append(f'{s.name}: tokens {R.tokens(log)}, expected {want_tokens}')
    R.ok(not misfiled, f'{scenario}: each result\'s evidence is filed under it and no other',
         '\n'.join(misfiled))
    want_counts = (want.count('SUCCESS'), want.count('FAILURE'), want.count('SKIPPED'))
    c = test.counts
    R.ok((c.passed, c.failed, c.skipped, c.crashed) == want_counts + (0,),
         f'{scenario}: kunit counts passed/failed/skipped {want_counts}, none crashed',
         str(c))
    rc, text = R.kunit_cli(path)
    summary = [l for l in text.splitlines() if 'Ran ' in l]
    parts = [f'{k}: {v}' for k, v in zip(('passed', 'failed', 'skipped'), want_counts) if v]
    R.ok(rc == (1 if want_counts[1] else 0) and summary and
         summary[-1].endswith(f'Ran {len(verdicts)} tests: ' + ', '.join(parts)) and
         '[ERROR]' not in text,
         f'{scenario}: `kunit.py parse` exits {1 if want_counts[1] else 0} and counts the same',
         f'exit {rc}\n{text}')

    if scenario in R.HANG:
        line = results[R.HANG[scenario] - 1]
        R.ok(line.startswith('not ok') and ' # TIMEOUT ' in line,
             f'{scenario}: the hang is "not ok ... # TIMEOUT reason"', line)
        line = results[R.GUEST_DEATH[scenario] - 1]
        R.ok(line.startswith('not ok') and ' # guest died' in line,
             f'{scenario}: the guest death is "not ok ... # guest died"', line)
        human = [l for l in lines if l.startswith('# test: host')]
        R.ok(len(human) == 1 and '#' in human[0][2:] and ':' in human[0],
             f'{scenario}: the human name, with its "#" and ":", is a diagnostic', human)
        directives = [r.split(' # ', 1)[1].split(' ')[0] if ' # ' in r else '' for r in results]
        want_dir = (['', '', 'FAIL:', 'TIMEOUT', 'SKIP', 'SKIP', 'XFAIL', 'ERROR', 'FAIL:',
                     'guest', ''] if scenario == 'mixed' else
                    ['', '', 'FAIL:', 'TIMEOUT', 'SKIP', 'SILENT-SKIP', 'KNOWN-FAIL', 'ERROR',
                     'FAIL:', 'guest', ''])
        R.ok(directives == want_dir, f'{scenario}: directives {want_dir}', str(directives))
    if scenario == 'interrupted':
        R.ok(lines[-1].startswith('Bail out! SIGINT') and
             results[-1].startswith('not ok 3 ') and '# ERROR interrupted' in results[-1],
             'interrupted: the running test is ERROR (interrupted), the file ends in Bail out!',
             '\n'.join(lines[-3:]))
R.done()
