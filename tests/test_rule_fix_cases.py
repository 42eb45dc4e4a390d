"""The fixes of KL201 (image tag typo), KL624 (restart policy), KL302 (selector/template labels)
and KL405 (volume mount name): the exact ``--diff`` each gives on a small file, and the cases
where a rule reports but must not propose a fix (several candidates, an unclear intent), or
where its fix is unsafe and plain ``--fix`` leaves it alone.

Each fixture folder's ``fail.yaml`` holds only fixable findings (tests/test_rule_fixes.py
requires it); its ``unfixable.yaml`` holds the rule's findings that deliberately carry no fix,
with their exact text report in ``unfixable.expected.txt``."""
from __future__ import annotations

import os

import pytest

from k8slint.report.text import _Style, _lines, format_finding
from k8slint.run import CheckOptions, run_check
from tests.conftest import FIXTURES, run_cli, run_json

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
{spec}"""


def _deployment(spec: str) -> str:
    return DEPLOYMENT.format(spec=spec)


def _diff(tmp_path, code: str, text: str) -> str:
    (tmp_path / "app.yaml").write_text(text)
    status, out, err = run_cli("check", "--diff", "--unsafe-fixes", "--select", code, "app.yaml", cwd=tmp_path)
    assert status in (0, 1), err
    assert (tmp_path / "app.yaml").read_text() == text  # --diff writes nothing
    return out


def _findings(tmp_path, code: str, text: str) -> list[dict]:
    (tmp_path / "app.yaml").write_text(text)
    _, report = run_json("--select", code, "app.yaml", cwd=tmp_path)
    return [f for f in report["findings"] if f["rule"] == code]


def _no_fix(tmp_path, code: str, text: str) -> list[dict]:
    """The rule fires, and offers no fix for any finding."""
    found = _findings(tmp_path, code, text)
    assert found, f"{code} did not fire"
    assert [f["fix"] for f in found] == [None] * len(found), found
    return found


def _plain_fix(tmp_path, code: str, text: str) -> tuple[str, str, str]:
    """``--fix`` without ``--unsafe-fixes``: (the file afterwards, stdout, stderr)."""
    path = tmp_path / "app.yaml"
    path.write_text(text)
    _, out, err = run_cli("check", "--fix", "--select", code, "app.yaml", cwd=tmp_path)
    return path.read_text(), out, err


# -- KL201 image-tag-typo -----------------------------------------------------------------------

IMAGES = _deployment("""\
      initContainers:
        - name: init
          image: 'registry.example.com:5000/tools/init:Latest'
      containers:
        - name: web
          image: nginx:lastest   # keep this comment
""")


def test_kl201_diff_restores_the_latest_tag(tmp_path):
    assert _diff(tmp_path, "KL201", IMAGES) == """\
--- a/app.yaml
+++ b/app.yaml
@@ -11,7 +11,7 @@
     spec:
       initContainers:
         - name: init
-          image: 'registry.example.com:5000/tools/init:Latest'
+          image: 'registry.example.com:5000/tools/init:latest'
       containers:
         - name: web
-          image: nginx:lastest   # keep this comment
+          image: nginx:latest   # keep this comment
"""


def test_kl201_fix_is_unsafe_so_plain_fix_leaves_it(tmp_path):
    found = _findings(tmp_path, "KL201", IMAGES)
    assert [f["fix"] for f in found] == [
        {"safety": "unsafe", "title": 'replace tag "Latest" with "latest"'},
        {"safety": "unsafe", "title": 'replace tag "lastest" with "latest"'},
    ]
    text, out, err = _plain_fix(tmp_path, "KL201", IMAGES)
    assert text == IMAGES and "Fixed" not in err
    assert "= fix: replace tag \"lastest\" with \"latest\" (k8slint check --fix --unsafe-fixes)" in out


def test_kl201_an_anchored_image_is_not_rewritten(tmp_path):
    # Editing the anchored scalar would change the alias too, which no finding asked for.
    text = _deployment("""\
      containers:
        - name: web
          image: &image nginx:lastest
        - name: sidecar
          image: *image
""")
    found = _findings(tmp_path, "KL201", text)
    assert len(found) == 2
    assert [f["fix"] for f in found] == [None, None]  # no "= fix:" that --fix could not apply
    assert _diff(tmp_path, "KL201", text) == ""


# -- KL624 invalid-restart-policy ---------------------------------------------------------------

def _job(policy_line: str, kind: str = "Job", extra: str = "") -> str:
    return f"""\
apiVersion: batch/v1
kind: {kind}
metadata:
  name: task
spec:
{extra}  template:
    spec:
{policy_line}      containers:
        - name: task
          image: registry.example.com/task:1.0.0
"""


def test_kl624_diff_replaces_a_misspelt_policy(tmp_path):
    text = _deployment("      restartPolicy: Allways\n      containers:\n        - name: web\n          image: nginx:1.27\n")
    text += "---\n" + _job('      restartPolicy: "onfailure"\n')
    text += "---\n" + _job("      restartPolicy: Nevr\n", extra="  podFailurePolicy:\n    rules: []\n")
    assert _diff(tmp_path, "KL624", text) == """\
--- a/app.yaml
+++ b/app.yaml
@@ -9,7 +9,7 @@
     metadata:
       labels: {app: web}
     spec:
-      restartPolicy: Allways
+      restartPolicy: Always
       containers:
         - name: web
           image: nginx:1.27
@@ -21,7 +21,7 @@
 spec:
   template:
     spec:
-      restartPolicy: "onfailure"
+      restartPolicy: "OnFailure"
       containers:
         - name: task
           image: registry.example.com/task:1.0.0
@@ -35,7 +35,7 @@
     rules: []
   template:
     spec:
-      restartPolicy: Nevr
+      restartPolicy: Never
       containers:
         - name: task
           image: registry.example.com/task:1.0.0
"""


def test_kl624_typo_fix_is_safe_and_applied_by_plain_fix(tmp_path):
    text = _job("      restartPolicy: OnFailre\n", kind="Job")
    (found,) = _findings(tmp_path, "KL624", text)
    assert found["fix"] == {"safety": "safe", "title": 'replace "OnFailre" with "OnFailure"'}
    fixed, out, err = _plain_fix(tmp_path, "KL624", text)
    assert fixed == text.replace("OnFailre", "OnFailure") and "Fixed 1 finding in 1 file." in err


CONTAINERS = "      containers:\n        - name: web\n          image: nginx:1.27\n"


@pytest.mark.parametrize("text,message,help", [
    # A valid policy the kind does not accept: a Job was perhaps meant; a person decides.
    (_deployment("      restartPolicy: Never\n" + CONTAINERS),
     "Deployment default/web has restartPolicy: Never, but a Deployment's pods must use Always",
     "remove restartPolicy (it defaults to Always); to run pods to completion, use a Job or CronJob instead"),
    (_deployment("      restartPolicy: OnFailure\n" + CONTAINERS).replace("Deployment", "StatefulSet"),
     "StatefulSet default/web has restartPolicy: OnFailure, but a StatefulSet's pods must use Always",
     "remove restartPolicy (it defaults to Always); to run pods to completion, use a Job or CronJob instead"),
    # A typo of a policy the kind does not accept either.
    (_deployment("      restartPolicy: nevr\n" + CONTAINERS),
     "Deployment default/web has restartPolicy: nevr, but a Deployment's pods must use Always",
     "remove restartPolicy: it defaults to Always"),
    (_job("      restartPolicy: Always\n"),
     "Job default/task has restartPolicy: Always, but a Job's pods must use OnFailure or Never",
     "set restartPolicy: OnFailure (retry in the same pod) or Never (a new pod for each retry); "
     "to keep pods running, use a Deployment instead"),
    (_job("      restartPolicy: always\n"),
     "Job default/task has restartPolicy: always, but a Job's pods must use OnFailure or Never",
     "set restartPolicy: OnFailure or Never"),
    # Unset on a Job: OnFailure or Never, a choice.
    (_job(""),
     "Job default/task does not set restartPolicy: a Job's pods must set OnFailure or Never (unset, it "
     "defaults to Always, which the API server rejects for a Job)",
     "add restartPolicy: OnFailure (retry in the same pod) or Never (a new pod for each retry)"),
    # With a podFailurePolicy only Never: changing OnFailure changes how retries work.
    (_job("      restartPolicy: OnFailure\n", extra="  podFailurePolicy:\n    rules: []\n"),
     "Job default/task has restartPolicy: OnFailure, but a Job with a podFailurePolicy accepts only Never",
     "set restartPolicy: Never (the podFailurePolicy decides about retries), or remove podFailurePolicy"),
    # ... and a typo of OnFailure there would only trade one finding for the other.
    (_job("      restartPolicy: OnFailre\n", extra="  podFailurePolicy:\n    rules: []\n"),
     "Job default/task has restartPolicy: OnFailre, but a Job's pods must use OnFailure or Never",
     "did you mean restartPolicy: OnFailure?"),
])
def test_kl624_no_fix_where_the_intent_is_unclear(tmp_path, text, message, help):
    (found,) = _no_fix(tmp_path, "KL624", text)
    assert (found["message"], found["help"]) == (message, help)


# -- KL302 workload-selector-mismatch -----------------------------------------------------------

def _workload(selector: str, labels: str, kind: str = "Deployment") -> str:
    return f"""\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: web
spec:
  selector:
{selector}  template:
{labels}    spec:
      containers:
        - name: web
          image: nginx:1.27
"""


def test_kl302_diff_sets_the_template_label_to_the_selectors_value(tmp_path):
    text = _workload(
        "    matchLabels:\n      app: web\n      tier: frontend\n",
        "    metadata:\n      labels:\n        app: 'webapp'\n        tier: frontend\n        track: stable\n",
    )
    assert _diff(tmp_path, "KL302", text) == """\
--- a/app.yaml
+++ b/app.yaml
@@ -10,7 +10,7 @@
   template:
     metadata:
       labels:
-        app: 'webapp'
+        app: 'web'
         tier: frontend
         track: stable
     spec:
"""


def test_kl302_fix_is_unsafe_so_plain_fix_leaves_it(tmp_path):
    text = _workload("    matchLabels: {app: web}\n", "    metadata:\n      labels: {app: webapp}\n")
    (found,) = _findings(tmp_path, "KL302", text)
    assert found["fix"] == {"safety": "unsafe", "title": 'set template label app to "web" (was "webapp")'}
    fixed, out, err = _plain_fix(tmp_path, "KL302", text)
    assert fixed == text and "Fixed" not in err and "KL302" in out


@pytest.mark.parametrize("selector,labels,kind", [
    # two labels differ: not one mistake
    ("    matchLabels: {app: web, tier: frontend}\n", "    metadata:\n      labels: {app: webapp, tier: fe}\n", "Deployment"),
    # one value differs, another label is missing
    ("    matchLabels: {app: web, tier: frontend}\n", "    metadata:\n      labels: {app: webapp}\n", "Deployment"),
    # a missing label (a fix would have to add it)
    ("    matchLabels: {app: db, tier: storage}\n", "    metadata:\n      labels: {app: db}\n", "StatefulSet"),
    # no labels at all
    ("    matchLabels: {app.kubernetes.io/name: node-exporter}\n", "", "DaemonSet"),
    # matchExpressions: not matchLabels
    ("    matchExpressions:\n      - {key: tier, operator: In, values: [cache, memory]}\n",
     "    metadata:\n      labels: {tier: frontend}\n", "ReplicaSet"),
    # matchLabels fixed would still leave a matchExpressions term unmet
    ("    matchLabels: {app: web}\n    matchExpressions:\n      - {key: tier, operator: Exists}\n",
     "    metadata:\n      labels: {app: webapp}\n", "Deployment"),
])
def test_kl302_no_fix_unless_one_label_value_differs(tmp_path, selector, labels, kind):
    _no_fix(tmp_path, "KL302", _workload(selector, labels, kind))


def test_kl302_a_deployment_config_without_labels_has_no_fix(tmp_path):
    text = """\
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: frontend
spec:
  replicas: 1
  selector:
    app: frontend
  template:
    spec:
      containers:
        - name: frontend
          image: example.com/frontend:3.1
"""
    (found,) = _no_fix(tmp_path, "KL302", text)
    assert found["help"] == "the pod template has no labels: add {app: frontend} under spec.template.metadata.labels"


# -- KL405 volume-mount-unknown -----------------------------------------------------------------

def _pod(containers: str, volumes: str) -> str:
    return f"""\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
{containers}  volumes:
{volumes}"""


VOLUMES = """\
    - name: config
      configMap: {name: web}
    - name: cache
      emptyDir: {}
"""


def test_kl405_diff_renames_the_mount_to_the_one_close_volume(tmp_path):
    text = _pod("""\
    - name: web
      image: nginx:1.27
      volumeMounts:
        - {name: confg, mountPath: /etc/nginx/conf.d}
        - name: "cahce"
          mountPath: /var/cache/nginx
""", VOLUMES)
    assert _diff(tmp_path, "KL405", text) == """\
--- a/app.yaml
+++ b/app.yaml
@@ -7,8 +7,8 @@
     - name: web
       image: nginx:1.27
       volumeMounts:
-        - {name: confg, mountPath: /etc/nginx/conf.d}
-        - name: "cahce"
+        - {name: config, mountPath: /etc/nginx/conf.d}
+        - name: "cache"
           mountPath: /var/cache/nginx
   volumes:
     - name: config
"""


def test_kl405_fix_is_unsafe_when_the_container_mounts_that_volume_already(tmp_path):
    # Mounting one volume twice is valid (here with subPaths), so "confg" is probably "config";
    # but it may as well be meant for a volume the pod does not define yet: a person looks.
    text = _pod("""\
    - name: web
      image: nginx:1.27
      volumeMounts:
        - {name: config, mountPath: /etc/nginx/nginx.conf, subPath: nginx.conf}
        - {name: confg, mountPath: /etc/nginx/mime.types, subPath: mime.types}
    - name: sidecar
      image: busybox:1.36
      volumeMounts:
        - {name: confg, mountPath: /config}
""", VOLUMES)
    found = _findings(tmp_path, "KL405", text)
    assert [f["fix"] for f in found] == [
        {"safety": "unsafe", "title": 'replace "confg" with "config"'},
        {"safety": "safe", "title": 'replace "confg" with "config"'},
    ]
    fixed, out, err = _plain_fix(tmp_path, "KL405", text)  # only the safe one
    assert fixed == text.replace("{name: confg, mountPath: /config}", "{name: config, mountPath: /config}")
    assert "Fixed 1 finding in 1 file." in err
    assert "= fix: replace \"confg\" with \"config\" (k8slint check --fix --unsafe-fixes)" in out


@pytest.mark.parametrize("mount,volumes", [
    # two names equally close
    ("data-c", ["data-a", "data-b"]),
    # one closer than the other, but both within reach: not one intent
    ("confg", ["config", "configs"]),
    # short names: "web" is two edits from "db", which is no typo
    ("web", ["db"]),
    # nothing close
    ("workdir", ["config", "html"]),
])
def test_kl405_no_fix_without_exactly_one_close_volume(tmp_path, mount, volumes):
    text = _pod(
        f"    - name: web\n      image: nginx:1.27\n      volumeMounts:\n        - {{name: {mount}, mountPath: /m}}\n",
        "".join(f"    - {{name: {v}, emptyDir: {{}}}}\n" for v in volumes),
    )
    _no_fix(tmp_path, "KL405", text)


def test_kl405_a_pod_without_volumes_has_no_fix(tmp_path):
    text = """\
apiVersion: v1
kind: Pod
metadata:
  name: disk-check
spec:
  containers:
    - name: check
      image: busybox:1.36
      volumeDevices:
        - name: raw-disk
          devicePath: /dev/xvda
"""
    (found,) = _no_fix(tmp_path, "KL405", text)
    assert found["help"] == 'the pod has no volumes: add one named "raw-disk" to volumes'


# -- the fixture folders' unfixable.yaml -------------------------------------------------------

FOLDERS = {
    "KL302": "KL302-workload-selector-mismatch", "KL405": "KL405-volume-mount-unknown",
    "KL624": "KL624-invalid-restart-policy",
}


@pytest.mark.parametrize("code", sorted(FOLDERS))
def test_unfixable_findings_fire_without_a_fix(code, snapshot):
    folder = FIXTURES / FOLDERS[code]
    old = os.getcwd()
    os.chdir(folder)
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
