#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# render_kcidb.t: kcidb.json (harness/record/render_kcidb.c) on runs built by hand
# (tests/harness_render.c): strict JSON (valid UTF-8 despite hostile bytes in names and
# evidence), valid against the KCIDB I/O schema v5.3 (tests/fixtures/kcidb-io.schema.v5.3.json,
# exported from kcidb-io; python3-jsonschema with format checks) when jsonschema is installed,
# and in any case: the required members, statuses, paths and ids checked by hand, each
# verdict's KCIDB status (docs/protocol.md, "kcidb.json"), SILENT-SKIP kept in misc, per-test
# start time, duration, log path and evidence (its own only), the environment without invented
# members, an incident for the KNOWN-FAIL, an interrupted run's suite test.
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as R  # noqa: E402

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures',
                      'kcidb-io.schema.v5.3.json')
STATUSES = {'FAIL', 'ERROR', 'MISS', 'PASS', 'DONE', 'SKIP'}
PATH = re.compile(r'^([a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)*)?$')
ENV = {'arch': 'x86_64', 'host': 'builder\ufffd:1', 'accelerator': 'tcg',
       'kernel_release': '7.2.13+', 'kernel_key': '9a87abae6a7218fb', 'config_hash': 'c0ffee',
       'splitfail_commit': '8dc7bfe'}

try:
    import jsonschema
    with open(SCHEMA, encoding='utf-8') as f:
        VALIDATOR = jsonschema.Draft7Validator(
            json.load(f), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
except ImportError:
    VALIDATOR = None


def want_status(verdict, strict):
    return {'PASS': 'PASS', 'FAIL': 'FAIL', 'SKIP': 'SKIP', 'ERROR': 'ERROR',
            'KNOWN-FAIL': 'FAIL',
            'SILENT-SKIP': 'FAIL' if strict else 'DONE'}[verdict]


def nulls(obj, where='$'):
    if obj is None:
        return [where]
    if isinstance(obj, dict):
        return [n for k, v in obj.items() for n in nulls(v, f'{where}.{k}')]
    if isinstance(obj, list):
        return [n for i, v in enumerate(obj) for n in nulls(v, f'{where}[{i}]')]
    return []


def schema_errors(doc):
    return [f'{list(e.path)}: {e.message}' for e in VALIDATOR.iter_errors(doc)]


for scenario, verdicts in R.SCENARIOS.items():
    out = R.render(scenario)
    doc, err = R.strict_json(os.path.join(out, 'kcidb.json'))
    if not R.ok(doc is not None, f'{scenario}: kcidb.json is strict UTF-8 JSON', err):
        continue
    if VALIDATOR:
        errs = schema_errors(doc)
        R.ok(not errs, f'{scenario}: valid against the KCIDB v5.3 schema', '\n'.join(errs[:10]))
    else:
        R.ok(True, f'{scenario}: # SKIP python3-jsonschema is not installed')
    tests = doc.get('tests', [])
    by_path = {}
    bad = nulls(doc)
    for t in tests:
        for k in ('id', 'build_id', 'origin'):
            if not isinstance(t.get(k), str) or not t[k]:
                bad.append(f'test without {k}: {t.get("id")}')
        if not t['id'].startswith('splitfail:') or not PATH.match(t.get('path', '-')):
            bad.append(f'id or path: {t["id"]} {t.get("path")}')
        if t.get('status', 'PASS') not in STATUSES:
            bad.append(f'status {t["status"]}')
    ids = [t['id'] for t in tests]
    R.ok(doc.get('version') == {'major': 5, 'minor': 3} and len(set(ids)) == len(ids) and
         not bad and doc['builds'][0]['checkout_id'] == doc['checkouts'][0]['id'] and
         all(t['build_id'] == doc['builds'][0]['id'] for t in tests),
         f'{scenario}: version 5.3, required members, unique ids, dotted paths, no null',
         '\n'.join(bad))

    suite, results = tests[0], tests[1:]
    R.ok(suite['path'] == 'splitfail' and len(results) == len(verdicts),
         f'{scenario}: the suite test and one test per result ({len(verdicts)})',
         f'{suite.get("path")}, {len(results)} results')
    got = [t.get('status') for t in results]
    want = [want_status(v, scenario == 'strict') for v in verdicts]
    R.ok(got == want, f'{scenario}: statuses {want}', f'got {got}')
    R.ok([t['misc']['verdict'] for t in results] == verdicts,
         f'{scenario}: each verdict kept as misc.verdict (SILENT-SKIP, KNOWN-FAIL too)',
         str([t['misc'].get('verdict') for t in results]))
    misfiled = []
    for i, t in enumerate(results, 1):
        want_tok = [] if scenario == 'interrupted' and i == 3 else [i]
        if R.tokens(t.get('log_excerpt', '')) != want_tok:
            misfiled.append(f'{t["id"]}: {R.tokens(t.get("log_excerpt", ""))}')
        if not (re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ', t.get('start_time', '')) or
                want_tok == []) or not isinstance(t.get('duration'), (int, float)):
            misfiled.append(f'{t["id"]}: start_time {t.get("start_time")} '
                            f'duration {t.get("duration")}')
        if want_tok and not t['misc'].get('log', '').endswith('.log'):
            misfiled.append(f'{t["id"]}: log {t["misc"].get("log")}')
    R.ok(not misfiled, f'{scenario}: start time, duration, log path, own evidence per test',
         '\n'.join(misfiled))
    envs = [t['environment']['misc'] for t in tests]
    R.ok(all({k: e.get(k) for k in ENV} == ENV and 'kernel_commit' not in e for e in envs),
         f'{scenario}: environment: arch, host, accelerator, kernel, key, config, splitfail '
         'commit; the absent kernel commit left out', json.dumps(envs[:2], ensure_ascii=False))
    names = [t['comment'] for t in results]
    R.ok(scenario == 'interrupted' or any('#' in n and ':' in n and '\ufffd' in n for n in names),
         f'{scenario}: the human name with "#", ":" and invalid bytes (as U+FFFD) in comment',
         str(names))

    if scenario != 'interrupted':
        kf = verdicts.index('KNOWN-FAIL') + 1
        inc = doc.get('incidents', [])
        R.ok(len(inc) == 1 and inc[0]['test_id'] == results[kf - 1]['id'] and
             inc[0]['issue_id'] == doc['issues'][0]['id'] == 'splitfail:known-test-hmm-null',
             f'{scenario}: the KNOWN-FAIL is an incident of its known issue',
             json.dumps(inc))
        R.ok(suite['status'] == 'FAIL' and suite['misc']['finished'] is True and
             suite['misc']['counts']['silent_skip'] == 1,
             f'{scenario}: suite FAIL, finished, counts', json.dumps(suite['misc']))
    else:
        R.ok(suite['status'] == 'FAIL' and suite['misc']['finished'] is False and
             suite['misc']['ended_by'] == 'SIGINT' and results[2]['status'] == 'ERROR' and
             results[2]['misc']['guest'] == 'interrupted',
             'interrupted: suite not finished, ended by SIGINT; the running test ERROR',
             json.dumps(suite['misc']))

if VALIDATOR:
    broken = {'version': {'major': 5, 'minor': 3},
              'tests': [{'id': 'splitfail:x', 'build_id': 'splitfail:b', 'origin': 'splitfail',
                         'status': 'SILENT-SKIP', 'path': 'a..b'}]}
    R.ok(len(schema_errors(broken)) == 2,
         'the schema check is real: a SILENT-SKIP status and an empty path segment are refused',
         '\n'.join(schema_errors(broken)))
R.done()
