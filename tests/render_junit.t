#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
# render_junit.t: junit.xml and summary.json of runs built by hand (tests/harness_render.c:
# hostile bytes in names and evidence, every verdict, an interrupted run) read by strict
# parsers: `xmllint --noout --schema tests/junit.xsd` (our JUnit schema, from the Jenkins and
# GitLab conventions) and python3's json.load on valid UTF-8 only; one testcase and one summary
# test per result. The schema must also refuse what the conventions do not allow (two verdicts
# in one testcase, a negative count, a testcase without a name), so passing it means something.
import os
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_lib as R  # noqa: E402

XSD = os.path.join(R.TOP, 'tests', 'junit.xsd')

for scenario, verdicts in R.SCENARIOS.items():
    out = R.render(scenario)
    junit = os.path.join(out, 'junit.xml')
    rc, err = R.xmllint(['--schema', XSD, junit])
    R.ok(rc == 0, f'{scenario}: junit.xml is valid against tests/junit.xsd', err)
    cases = ET.parse(junit).getroot().findall('./testsuite/testcase')
    R.ok(len(cases) == len(verdicts),
         f'{scenario}: one testcase per result ({len(verdicts)})', f'{len(cases)} testcases')
    doc, err = R.strict_json(os.path.join(out, 'summary.json'))
    R.ok(doc is not None and len(doc.get('tests', [])) == len(verdicts) and
         [t['verdict'] for t in doc['tests']] == verdicts,
         f'{scenario}: summary.json loads as strict UTF-8 JSON, verdicts {verdicts}',
         err or [t.get('verdict') for t in doc.get('tests', [])])

BAD = {
    'two verdicts in one testcase':
        '<testsuites><testsuite name="s" tests="1"><testcase name="a"><failure/><skipped/>'
        '</testcase></testsuite></testsuites>',
    'a negative count':
        '<testsuites><testsuite name="s" tests="-1"/></testsuites>',
    'a testcase without a name':
        '<testsuites><testsuite name="s" tests="1"><testcase time="1"/></testsuite>'
        '</testsuites>',
    'a time that is no number':
        '<testsuites><testsuite name="s" tests="1"><testcase name="a" time="1s"/>'
        '</testsuite></testsuites>',
}
for what, xml in BAD.items():
    with tempfile.NamedTemporaryFile('w', suffix='.xml', delete=False) as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n' + xml + '\n')
    rc, err = R.xmllint(['--schema', XSD, f.name])
    R.ok(rc != 0 and 'fails to validate' in err, f'tests/junit.xsd refuses {what}', err)
    os.unlink(f.name)
R.done()
