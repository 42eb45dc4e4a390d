"""Fixes of the schema rules, through the CLI as a user runs them (``check --diff`` / ``--fix``):

- KL012 invalid-value: a string within two edits of exactly one allowed value is replaced;
- KL010 unknown-field: a key with exactly one near field name, not present already, is renamed;
- KL011 wrong-type: a plain scalar read as a boolean or number where text is meant is quoted;
- KL020 (removed) / KL023 (deprecated) apiVersion: replaced by its one replacement of the same
  kind; safe when the object is valid there unchanged, unsafe otherwise.

And what is deliberately left to a person: each fixture folder's ``unfixable.yaml`` holds the
findings of its rule that carry no fix (its ``fail.yaml`` holds only fixable ones, as
tests/test_rule_fixes.py requires), with their exact text report in ``unfixable.expected.txt``.
"""
from __future__ import annotations

import json
import os

import pytest

from k8slint.report.text import _Style, _lines, format_finding
from k8slint.run import CheckOptions, run_check
from tests.conftest import FIXTURES, run_cli

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
{spec}"""


def _pod(spec: str) -> str:
    return POD.format(spec=spec)


def _diff(tmp_path, text: str, *args: str) -> str:
    (tmp_path / "app.yaml").write_text(text)
    code, out, err = run_cli("check", "--diff", *args, "app.yaml", cwd=tmp_path)
    assert code in (0, 1), err
    assert (tmp_path / "app.yaml").read_text() == text  # --diff writes nothing
    return out


def _fix(tmp_path, text: str, *args: str) -> str:
    path = tmp_path / "app.yaml"
    path.write_text(text)
    run_cli("check", "--fix", *args, "app.yaml", cwd=tmp_path)
    return path.read_text()


def _findings(tmp_path, text: str, *args: str) -> list[dict]:
    (tmp_path / "app.yaml").write_text(text)
    code, out, err = run_cli("check", "--format", "json", *args, "app.yaml", cwd=tmp_path)
    return json.loads(out)["findings"]


def _header(*hunks: str) -> str:
    return "--- a/app.yaml\n+++ b/app.yaml\n" + "".join(hunks)


# -- KL012 invalid-value -----------------------------------------------------------------------

def test_invalid_value_is_replaced_by_the_one_close_allowed_value(tmp_path):
    text = _pod("  restartPolicy: Allways\n  containers:\n    - {name: web, image: 'nginx:1.27'}\n")
    assert _diff(tmp_path, text, "--select", "KL012") == _header(
        "@@ -3,6 +3,6 @@\n",
        " metadata:\n",
        "   name: web\n",
        " spec:\n",
        "-  restartPolicy: Allways\n",
        "+  restartPolicy: Always\n",
        "   containers:\n",
        "     - {name: web, image: 'nginx:1.27'}\n",
    )
    (finding,) = _findings(tmp_path, text, "--select", "KL012")
    assert finding["fix"] == {"safety": "safe", "title": 'replace "Allways" with "Always"'}


def test_invalid_value_keeps_its_quotes_and_a_case_slip_is_fixed(tmp_path):
    text = _pod(
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
        "      imagePullPolicy: 'ifNotPresent'\n"
        '      ports: [{containerPort: 80, protocol: "tcp"}]\n'
    )
    fixed = _fix(tmp_path, text, "--select", "KL012")
    assert fixed == text.replace("'ifNotPresent'", "'IfNotPresent'").replace('"tcp"', '"TCP"')


@pytest.mark.parametrize("value", [
    "UCP",        # TCP or UDP: two allowed values one edit away
    "Sometimes",  # nothing close
])
def test_invalid_value_without_one_close_allowed_value_is_not_fixed(tmp_path, value):
    text = _pod(
        "  containers:\n"
        "    - name: web\n"
        "      image: nginx:1.27\n"
        f"      ports: [{{containerPort: 80, protocol: {value}}}]\n"
    )
    (finding,) = _findings(tmp_path, text, "--select", "KL012")
    assert finding["fix"] is None
    assert _diff(tmp_path, text, "--select", "KL012", "--unsafe-fixes") == ""


def test_invalid_value_in_a_block_scalar_is_not_edited(tmp_path):
    text = _pod("  restartPolicy: |-\n    Allways\n  containers:\n    - {name: web, image: 'nginx:1.27'}\n")
    (finding,) = _findings(tmp_path, text, "--select", "KL012")
    assert finding["rule"] == "KL012" and finding["fix"] is None
    assert _fix(tmp_path, text, "--unsafe-fixes") == text


# -- KL010 unknown-field -----------------------------------------------------------------------

def test_unknown_field_is_renamed_to_the_one_near_field(tmp_path):
    text = _pod("  containers:\n    - name: web\n      image: nginx:1.27\n      imagePullPolcy: Always\n")
    assert _diff(tmp_path, text, "--select", "KL010") == _header(
        "@@ -6,4 +6,4 @@\n",
        "   containers:\n",
        "     - name: web\n",
        "       image: nginx:1.27\n",
        "-      imagePullPolcy: Always\n",
        "+      imagePullPolicy: Always\n",
    )
    (finding,) = _findings(tmp_path, text, "--select", "KL010")
    assert finding["fix"] == {"safety": "safe", "title": 'rename "imagePullPolcy" to "imagePullPolicy"'}


def test_unknown_field_rename_keeps_quotes_and_flow_style(tmp_path):
    text = _pod('  "hostNetwrok": true\n  containers:\n    - {name: web, image: "nginx:1.27", stdinonce: true}\n')
    fixed = _fix(tmp_path, text, "--select", "KL010")
    assert fixed == text.replace('"hostNetwrok"', '"hostNetwork"').replace("stdinonce", "stdinOnce")


def test_unknown_field_renames_that_let_another_show_are_done_in_a_later_round(tmp_path):
    text = _pod("  contianers:\n    - name: web\n      image: nginx:1.27\n      resource: {}\n")
    fixed = _fix(tmp_path, text, "--select", "KL010")
    assert fixed == text.replace("contianers", "containers").replace("resource:", "resources:")


@pytest.mark.parametrize("spec,key", [
    ("  hostPIC: true\n", "hostPIC"),  # hostIPC or hostPID?
    ("  hostNetwrok: true\n  hostNetwork: false\n", "hostNetwrok"),  # the right key is there too
    ("  colour: blue\n", "colour"),  # nothing close
])
def test_unknown_field_without_one_free_candidate_is_not_renamed(tmp_path, spec, key):
    text = _pod(spec + "  containers:\n    - {name: web, image: 'nginx:1.27'}\n")
    (finding,) = _findings(tmp_path, text, "--select", "KL010")
    assert f'"{key}"' in finding["message"] and finding["fix"] is None
    assert _diff(tmp_path, text, "--select", "KL010", "--unsafe-fixes") == ""


# -- KL011 wrong-type --------------------------------------------------------------------------

ENV = _pod(
    "  containers:\n"
    "    - name: web\n"
    "      image: nginx:1.27\n"
    "      env:\n"
    "        - name: DEBUG\n"
    "          value: {value}\n"
)


@pytest.mark.parametrize("source", ["yes", "off", "0755", "8080", "1.10", "1e3", "0x1F", "true"])
def test_a_plain_scalar_meant_as_text_is_quoted_as_written(tmp_path, source):
    text = ENV.replace("{value}", source)
    assert _diff(tmp_path, text, "--select", "KL011") == _header(
        "@@ -8,4 +8,4 @@\n",
        "       image: nginx:1.27\n",
        "       env:\n",
        "         - name: DEBUG\n",
        f"-          value: {source}\n",
        f'+          value: "{source}"\n',
    )
    (finding,) = _findings(tmp_path, text, "--select", "KL011")
    assert finding["fix"] == {"safety": "safe", "title": f'quote {source} as "{source}"'}


def test_quoting_works_in_flow_mappings_and_fixes_every_value(tmp_path):
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1, b: on, c: x}\n"
    assert _fix(tmp_path, text) == text.replace("{a: 1, b: on,", '{a: "1", b: "on",')


@pytest.mark.parametrize("spec", [
    '  replicas: "2"\n',     # quoted, where a number is meant: not the "quote it" case
    "  replicas: |\n    2\n",  # a block scalar (always text)
    "  template:\n    metadata:\n      labels: {build: !!int 7}\n",  # an explicit tag: a person decides
    "  template:\n    spec:\n      containers: --verbose\n",  # a list is expected
])
def test_other_wrong_types_are_not_fixed(tmp_path, spec):
    text = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n"
        "  selector: {matchLabels: {app: web}}\n" + spec
    )
    findings = _findings(tmp_path, text, "--select", "KL011")
    assert findings and all(f["fix"] is None for f in findings)
    assert _diff(tmp_path, text, "--select", "KL011", "--unsafe-fixes") == ""


# -- KL020 / KL023 apiVersion ------------------------------------------------------------------

CRONJOB = """\
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: registry.example.com/report:2.0.1
"""
CRONJOB_DIFF = _header(
    "@@ -1,4 +1,4 @@\n",
    "-apiVersion: batch/v1beta1\n",
    "+apiVersion: batch/v1\n",
    " kind: CronJob\n",
    " metadata:\n",
    "   name: report\n",
)
INGRESS = """\
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: web
spec:
  backend:
    serviceName: web
    servicePort: 80
"""


@pytest.mark.parametrize("version,rule", [("1.21", "KL023"), ("1.24", "KL023"), (None, "KL020"), ("1.25", "KL020")])
def test_a_deprecated_or_removed_api_version_is_replaced(tmp_path, version, rule):
    args = ("-k", version) if version else ()
    assert _diff(tmp_path, CRONJOB, *args, "--select", "KL020,KL023") == CRONJOB_DIFF
    (finding,) = _findings(tmp_path, CRONJOB, *args, "--select", "KL020,KL023")
    assert finding["rule"] == rule
    assert finding["fix"] == {"safety": "safe", "title": "replace apiVersion batch/v1beta1 with batch/v1"}


def test_before_its_deprecation_an_api_version_is_left_alone(tmp_path):
    assert _findings(tmp_path, CRONJOB, "-k", "1.20", "--select", "KL020,KL023") == []
    assert _diff(tmp_path, CRONJOB, "-k", "1.20", "--unsafe-fixes") == ""


@pytest.mark.parametrize("version,rule", [("1.21", "KL023"), (None, "KL020")])
def test_a_replacement_that_does_not_accept_the_object_unchanged_is_an_unsafe_fix(tmp_path, version, rule):
    args = ("-k", version) if version else ()
    (finding,) = _findings(tmp_path, INGRESS, *args, "--select", "KL020,KL023")
    assert finding["rule"] == rule
    assert finding["fix"] == {
        "safety": "unsafe", "title": "replace apiVersion extensions/v1beta1 with networking.k8s.io/v1",
    }
    assert _fix(tmp_path, INGRESS, *args) == INGRESS  # --fix: safe fixes only
    assert _diff(tmp_path, INGRESS, *args) == ""
    assert _fix(tmp_path, INGRESS, *args, "--unsafe-fixes") == INGRESS.replace(
        "extensions/v1beta1", "networking.k8s.io/v1"
    )


def test_the_same_ingress_in_its_new_shape_is_a_safe_fix(tmp_path):
    text = INGRESS.replace(
        "  backend:\n    serviceName: web\n    servicePort: 80\n",
        "  defaultBackend:\n    service:\n      name: web\n      port: {number: 80}\n",
    )
    (finding,) = _findings(tmp_path, text, "-k", "1.21", "--select", "KL023")
    assert finding["fix"]["safety"] == "safe"
    assert _fix(tmp_path, text, "-k", "1.21") == text.replace("extensions/v1beta1", "networking.k8s.io/v1")


def test_the_replacement_is_the_one_for_the_version_checked(tmp_path):
    # extensions/v1beta1 PodSecurityPolicy was replaced by policy/v1beta1, itself removed in
    # 1.25 without a replacement: a fix while policy/v1beta1 is served, none after.
    text = "apiVersion: extensions/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: restricted\n"
    (finding,) = _findings(tmp_path, text, "-k", "1.21", "--select", "KL020")
    assert finding["fix"] == {
        "safety": "safe", "title": "replace apiVersion extensions/v1beta1 with policy/v1beta1",
    }
    (finding,) = _findings(tmp_path, text, "--select", "KL020")
    assert finding["fix"] is None


@pytest.mark.parametrize("text", [
    "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\n",  # replaced by another kind
    "apiVersion: v1\nkind: ComponentStatus\nmetadata:\n  name: web\n",  # no replacement
    "apiVersion: v1\nkind: CronJob\nmetadata:\n  name: nightly\n",  # not a listed removal
])
def test_api_versions_without_one_replacement_of_the_same_kind_are_not_fixed(tmp_path, text):
    findings = _findings(tmp_path, text, "--select", "KL020,KL023")
    assert findings and all(f["fix"] is None for f in findings)
    assert _diff(tmp_path, text, "--unsafe-fixes") == ""


# -- the fixture folders' unfixable.yaml -------------------------------------------------------

FOLDERS = {
    "KL010": "KL010-unknown-field", "KL011": "KL011-wrong-type", "KL012": "KL012-invalid-value",
    "KL020": "KL020-unknown-api-version", "KL023": "KL023-deprecated-api-version",
}


@pytest.mark.parametrize("code", sorted(FOLDERS))
def test_unfixable_findings_fire_without_a_fix(code, snapshot):
    folder = FIXTURES / FOLDERS[code]
    old = os.getcwd()
    os.chdir(folder)  # the folder's .k8slint.yaml applies (KL023: Kubernetes 1.21)
    try:
        result = run_check(CheckOptions(paths=["unfixable.yaml"], select=[code]))
    finally:
        os.chdir(old)
    findings = [f for f in result.findings if f.rule == code]
    assert len(findings) >= 1
    assert [f.fix for f in findings] == [None] * len(findings)
    lines = _lines((folder / "unfixable.yaml").read_text(encoding="utf-8"))
    rendered = []
    for finding in findings:
        rendered.extend(format_finding(finding, lines, _Style(False)))
        rendered.append("")
    snapshot.snapshot_dir = folder
    snapshot.assert_match("\n".join(rendered), "unfixable.expected.txt")


def test_a_pdb_without_a_selector_changes_meaning_in_policy_v1_so_its_fix_is_unsafe(tmp_path):
    from tests.conftest import run_json

    pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n  minAvailable: 1\n{selector}"
    (tmp_path / "empty.yaml").write_text(pdb.format(selector="  selector: {}\n"))
    (tmp_path / "web.yaml").write_text(pdb.format(selector="  selector:\n    matchLabels: {app: web}\n"))
    code, report = run_json("empty.yaml", "web.yaml", "--select", "KL020", cwd=tmp_path)
    fixes = {f["file"]: f["fix"]["safety"] for f in report["findings"]}
    assert fixes == {"empty.yaml": "unsafe", "web.yaml": "safe"}
