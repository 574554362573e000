# SPDX-License-Identifier: GPL-2.0
"""render_lib.py - what the render_*.t scripts share: TAP output, the scenarios that
build/tests/harness_render writes (tests/harness_render.c) with the verdicts each result must
have, the kernel's own KTAP parser (build/kunit, extracted by `make kunit-tool`) and strict
readers of JSON (valid UTF-8 only) and XML (xmllint)."""

import atexit
import contextlib
import inspect
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get('SPLITFAIL_BUILD', os.path.join(TOP, 'build'))
KUNIT = os.path.join(BUILD, 'kunit', 'tools', 'testing', 'kunit')

# Verdicts of the results of each scenario, in record order (harness_render.c); the running
# test of "interrupted" is the ERROR every rendering adds for it.
SCENARIOS = {
    'mixed': ['PASS', 'PASS', 'FAIL', 'FAIL', 'SKIP', 'SILENT-SKIP', 'KNOWN-FAIL', 'ERROR',
              'FAIL', 'FAIL', 'PASS'],
    'strict': ['PASS', 'PASS', 'FAIL', 'FAIL', 'SKIP', 'SILENT-SKIP', 'KNOWN-FAIL', 'ERROR',
               'FAIL', 'FAIL', 'PASS'],
    'interrupted': ['PASS', 'FAIL', 'ERROR'],
}
HANG = {'mixed': 4, 'strict': 4}            # 1-based index of the hang (a FAIL)
GUEST_DEATH = {'mixed': 10, 'strict': 10}

_n = 0
_failed = 0


def ok(cond, what, diag=''):
    """One TAP line; diag (any text) is printed as comments when cond is false."""
    global _n, _failed
    _n += 1
    print(('ok' if cond else 'not ok') + f' {_n} - {what}')
    if not cond:
        _failed += 1
        for line in str(diag).splitlines():
            print('#   ' + line)
    sys.stdout.flush()
    return cond


def skip_all(why):
    print(f'1..0 # SKIP {why}')
    sys.exit(0)


def done():
    print(f'1..{_n}')
    sys.exit(1 if _failed else 0)


def scratch(prefix):
    """A new folder, removed when the script exits."""
    d = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, d, True)
    return d


def render(scenario):
    """Runs harness_render SCENARIO into a new folder; returns the folder."""
    out = scratch(f'render-{scenario}-')
    prog = os.path.join(BUILD, 'tests', 'harness_render')
    res = subprocess.run([prog, scenario, out], capture_output=True, text=True)
    if res.returncode != 0:
        ok(False, f'harness_render {scenario} writes its renderings', res.stderr)
        done()
    return out


def strict_json(path):
    """json.load of a file that must be valid UTF-8; (data, error text)."""
    try:
        with open(path, encoding='utf-8', errors='strict') as f:
            return json.load(f), ''
    except (OSError, ValueError) as e:
        return None, f'{path}: {e}'


def xmllint(args):
    res = subprocess.run(['xmllint', '--noout'] + args, capture_output=True, text=True)
    return res.returncode, res.stderr


def kunit_available():
    return os.path.exists(os.path.join(KUNIT, 'kunit.py'))


def kunit_parse(path):
    """The kernel's kunit_parser on a file, as `kunit.py parse` reads it; returns the main
    test and what the parser printed (its [ERROR] lines)."""
    if KUNIT not in sys.path:
        sys.path.insert(0, KUNIT)
    import kunit_parser  # pylint: disable=import-outside-toplevel
    import kunit_printer  # pylint: disable=import-outside-toplevel
    with open(path, 'r', errors='backslashreplace') as f:
        lines = f.read().splitlines()
    out = io.StringIO()
    params = inspect.signature(kunit_parser.parse_run_tests).parameters
    if 'printer' in params:     # later kernels pass the printer: Printer(output) or
        # Printer(print, output)
        test = kunit_parser.parse_run_tests(lines, kunit_printer.Printer(output=out))
    else:                       # 6.12: the module's own stdout printer
        with contextlib.redirect_stdout(out):
            kunit_printer.stdout._output = out  # pylint: disable=protected-access
            test = kunit_parser.parse_run_tests(lines)
    return test, out.getvalue()


def kunit_cli(path):
    """`kunit.py parse FILE`: (exit status, output)."""
    res = subprocess.run([sys.executable, os.path.join(KUNIT, 'kunit.py'), 'parse',
                          os.path.abspath(path)],
                         capture_output=True, text=True, errors='backslashreplace')
    return res.returncode, res.stdout + res.stderr


def tokens(text):
    """The EV<i> tokens harness_render.c put in result i's evidence."""
    return sorted({int(m) for m in re.findall(r'\bEV(\d+)\b', text)})


def check_folder(out):
    """Every rendering of a real results folder through its strict parser, and their counts
    against summary.json's: `python3 tests/render_lib.py DIR` prints TAP (for runs by hand)."""
    summary, err = strict_json(os.path.join(out, 'summary.json'))
    if not ok(summary is not None, 'summary.json is strict UTF-8 JSON', err):
        return
    c, n = summary['counts'], len(summary['tests'])
    strict, kfail = summary.get('strict'), summary.get('known_issues') == 'fail'
    lost = 0    # results kunit finds beyond summary.json's
    if kunit_available():
        test, printed = kunit_parse(os.path.join(out, 'ktap.txt'))
        lost = len(test.subtests) - n
        want = (c['pass'] + (0 if kfail else c['known_fail']),
                c['skip'] + (0 if strict else c['silent_skip']))
        got = (test.counts.passed, test.counts.skipped)
        ok(lost in (0, 1) and (lost == 0 or not summary.get('finished')) and got == want and
           test.counts.failed == n + lost - sum(want) and test.counts.errors == 0,
           f'ktap.txt: kunit_parser finds {n} results (+{lost} interrupted), '
           f'passed/skipped {want}, no parse error', f'{test.counts}\n{printed[-3000:]}')
        # in order: a merge of runs of the same tests has each name more than once
        subs = []
        for sub in test.subtests:
            human = [l[8:] for l in sub.log if l.startswith('# test: ')]
            subs.append((human[0] if human else sub.name, sub))
        misfiled = [t['name'] for t, (name, sub) in zip(summary['tests'], subs)
                    if t['name'].isascii() and (name != t['name'] or bool(t['evidence']) !=
                    any(l.startswith('# evidence: ') for l in sub.log))]
        ok(not misfiled and len(subs) >= n,
           'ktap.txt: each result under its own name, with its evidence', misfiled)
    rc, err = xmllint(['--schema', os.path.join(TOP, 'tests', 'junit.xsd'),
                       os.path.join(out, 'junit.xml')])
    ok(rc == 0, 'junit.xml is valid against tests/junit.xsd', err[-3000:])
    if rc == 0:
        import xml.etree.ElementTree as ET  # pylint: disable=import-outside-toplevel
        a = ET.parse(os.path.join(out, 'junit.xml')).getroot().find('testsuite').attrib
        want = {'tests': n + lost,
                'failures': c['fail'] + (c['silent_skip'] if strict else 0) +
                (c['known_fail'] if kfail else 0),
                'errors': c['error'] + lost}
        ok(all(int(a.get(k, -1)) == v for k, v in want.items()),
           f'junit.xml counts {want}', str(a))
    kcidb, err = strict_json(os.path.join(out, 'kcidb.json'))
    ok(kcidb is not None and len(kcidb['tests']) == n + lost + 1 and
       [t['misc']['verdict'] for t in kcidb['tests'][1:n + 1]] ==
       [t['verdict'] for t in summary['tests']],
       'kcidb.json is strict JSON with the same results as summary.json', err)
    try:
        import jsonschema  # pylint: disable=import-outside-toplevel
    except ImportError:
        return
    with open(os.path.join(TOP, 'tests', 'fixtures', 'kcidb-io.schema.v5.3.json'),
              encoding='utf-8') as f:
        v = jsonschema.Draft7Validator(
            json.load(f), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    errs = [f'{list(e.path)}: {e.message}' for e in v.iter_errors(kcidb or {})]
    ok(not errs, 'kcidb.json is valid against the KCIDB v5.3 schema', '\n'.join(errs[:10]))


if __name__ == '__main__':
    for folder in sys.argv[1:]:
        check_folder(folder)
    done()
