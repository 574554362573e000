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
