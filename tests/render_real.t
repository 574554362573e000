#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# render_real.t: the results files of a real harness run read by strict parsers. The harness
# runs build/tests/fail_at_nth (tests/fail_at_nth.c: a FAIL, a SKIP and a SILENT-SKIP whose
# output and evidence hold invalid UTF-8, control bytes, '#', ':' and kunit.py's end markers,
# and three cases that pass without injection) against the fake /proc tree of the harness
# tests, so nothing on this machine is touched. Then: kunit.py's parser on ktap.txt (the six
# results, the statuses, each result's evidence under its own name), xmllint against
# tests/junit.xsd, json.load of summary.json and kcidb.json (valid UTF-8 only), kcidb.json
# against the KCIDB schema, and every file agreeing with the harness's exit code.
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as R  # noqa: E402

SF = os.environ.get('SPLITFAIL_BIN', os.path.join(R.BUILD, 'harness', 'splitfail'))
WANT = {  # result name -> (verdict, a regex only its own evidence lines match)
    'fail_at_nth:global.hostile_fail': ('FAIL', r'hostile_fail: expected nothing'),
    'fail_at_nth:global.hostile_skip': ('SKIP', r'^# evidence: on purpose: bad utf-8'),
    'fail_at_nth:global.hostile_silent_skip': ('SILENT-SKIP', r'detail=on purpose'),
    'fail_at_nth:fail_at.nth1.pipe': ('PASS', ''),
    'fail_at_nth:fail_at.nth2.pipe': ('PASS', ''),
    'fail_at_nth:fail_at.nth3.pipe': ('PASS', ''),
}
KUNIT_STATUS = {'PASS': 'SUCCESS', 'FAIL': 'FAILURE', 'SKIP': 'SKIPPED',
                'SILENT-SKIP': 'SKIPPED'}

top = R.scratch('render-real-')
tree, out = os.path.join(top, 'tree'), os.path.join(top, 'out')
subprocess.run([os.path.join(R.TOP, 'tests', 'fixtures', 'make_fake_tree.sh'), tree],
               check=True)
run = subprocess.run([SF, '--root', tree, '--workload-dir', os.path.join(R.BUILD, 'tests'),
                      '--only', 'fail_at_nth', '--strategy', 'off', '--out', out,
                      '--no-progress'], capture_output=True, text=True,
                     errors='backslashreplace', env=dict(os.environ, FAKE_ROOT=tree))
R.ok(run.returncode == 1, f'the harness exits 1 for the FAIL (got {run.returncode})',
     run.stderr[-2000:])

R.check_folder(out)
summary, _ = R.strict_json(os.path.join(out, 'summary.json'))
got = {t['name']: t['verdict'] for t in (summary or {}).get('tests', [])}
R.ok(got == {k: v[0] for k, v in WANT.items()}, 'summary.json: the six results and verdicts',
     str(got))

ktap = os.path.join(out, 'ktap.txt')
if R.kunit_available() and os.path.exists(ktap):
    test, printed = R.kunit_parse(ktap)
    by_human = {}
    for s in test.subtests:
        names = [line[len('# test: '):] for line in s.log if line.startswith('# test: ')]
        by_human[names[0] if names else s.name] = s
    R.ok(len(test.subtests) == len(WANT) and set(by_human) == set(WANT) and
         test.counts.errors == 0,
         'ktap.txt: kunit_parser finds the six results by their human names, no parse error',
         f'{sorted(by_human)}\n{printed}')
    bad = []
    for name, (verdict, evidence) in WANT.items():
        s = by_human.get(name)
        if not s or s.status.name != KUNIT_STATUS[verdict]:
            bad.append(f'{name}: {s.status.name if s else "missing"}, want {verdict}')
        elif evidence and not any(re.search(evidence, line) for line in s.log):
            bad.append(f'{name}: its evidence is not under it: {s.log}')
        others = [n for n, (_, e) in WANT.items() if e and n != name]
        if s and any(re.search(WANT[o][1], line) for o in others for line in s.log):
            bad.append(f'{name}: another result\'s evidence is under it: {s.log}')
    R.ok(not bad, 'ktap.txt: each status as mapped, each evidence under its own result',
         '\n'.join(bad))
    rc, text = R.kunit_cli(ktap)
    R.ok(rc == 1 and 'Ran 6 tests: passed: 3, failed: 1, skipped: 2' in text and
         '[ERROR]' not in text, '`kunit.py parse` counts 3 passed, 1 failed, 2 skipped',
         text)
else:
    R.ok(os.path.exists(ktap) or not R.kunit_available(), 'ktap.txt exists')
    R.ok(True, '# SKIP no kunit.py in build/kunit (`make kunit-tool`)')

kcidb, _ = R.strict_json(os.path.join(out, 'kcidb.json'))
statuses = {t['misc'].get('name'): t.get('status') for t in (kcidb or {}).get('tests', [])[1:]}
R.ok(kcidb and kcidb['tests'][0].get('status') == 'FAIL' and
     statuses.get('fail_at_nth:global.hostile_silent_skip') == 'DONE' and
     list(statuses.values()).count('FAIL') == 1,
     'kcidb.json: the run FAIL, one FAIL test, the SILENT-SKIP DONE', str(statuses))
R.done()
