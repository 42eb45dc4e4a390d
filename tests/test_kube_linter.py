"""Agreement with kube-linter on its own test manifests.

../shared/corpus/peers/kube-linter/EXPECTED.tsv lists, for each kube-linter check, the objects of
its test files that the check fires on ("yes") and stays quiet on ("no"). For every check with a
k8slint counterpart, k8slint (only that counterpart selected) must fire on exactly the same
objects. Every other check is listed below with the reason it is not compared, so the table
covers every check of EXPECTED.tsv; deliberate differences on single rows are listed too.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from typing import Any, NamedTuple, Optional

import pytest

from k8slint.registry import load_registry
from k8slint.run import CheckOptions, run_check
from k8slint.workloads import get_path
from tests.conftest import CORPUS, needs_shared

PEER = CORPUS / "peers" / "kube-linter"
EXPECTED = PEER / "EXPECTED.tsv"

SCHEMA = ("KL010", "KL011", "KL012", "KL013")  # unknown field, wrong type, invalid value, missing field

# kube-linter check → the k8slint rules that do its job.
COUNTERPARTS: dict[str, tuple[str, ...]] = {
    "dangling-service": ("KL301",),  # service-selector-mismatch
    "mismatching-selector": ("KL302",),  # workload-selector-mismatch
    "dangling-ingress": ("KL304",),  # ingress-backend-missing
    "dangling-horizontalpodautoscaler": ("KL305",),  # hpa-target-missing
    "dangling-networkpolicy": ("KL307",),  # networkpolicy-selects-nothing
    "latest-tag": ("KL202",),  # latest-tag
    "duplicate-env-var": ("KL103",),  # duplicate-env-var
    "env-value-from": ("KL701", "KL702", "KL703"),  # configmap-not-found, secret-not-found, missing-configmap-key
    "non-existent-service-account": ("KL704",),  # serviceaccount-not-found
    "deprecated-service-account-field": ("KL705",),  # deprecated-serviceaccount-field
    # Schema validation: kube-linter's kubeconform template and schema-validation check.
    "kubeconform (custom check from e2etests/testdata/kubeconform-config.yaml: strict, ignore missing schemas)": SCHEMA,
    "schema-validation (e2etests/testdata/schema-validation-config.yaml)": SCHEMA,
    "kubeconform (schema pkg/templates/kubeconform/testdata/schema.json)": SCHEMA,
    "no-extensions-v1beta": ("KL020",),  # unknown-api-version: extensions/v1beta1 is no longer served
    "(parse; --fail-on-invalid-resource)": ("KL001",),  # yaml-syntax
    "invalid-target-ports": ("KL621", "KL622"),  # invalid-container-port, invalid-service-port
    "restart-policy": ("KL624",),  # invalid-restart-policy: the API server's rules (see ROW_DIFFERENCES)
    "liveness-port": ("KL309",),  # probe-port-not-declared
    "readiness-port": ("KL309",),
    "startup-port": ("KL309",),
    "pdb-max-unavailable": ("KL310",),  # pdb-blocks-eviction
    "pdb-min-available": ("KL310",),
    "dangling-networkpolicypeer-podselector": ("KL311",),  # networkpolicy-peer-selects-nothing
    "dangling-servicemonitor": ("KL312",),  # servicemonitor-selects-nothing
}

# kube-linter checks that k8slint does not compare, and why.
NOT_COMPARED: dict[str, str] = {
    "dnsconfig-options": "out of scope: a site policy (the test config requires ndots:2), not a mistake",
    "env-var-secret": "out of scope: a security policy, not a correctness check",
    "read-secret-from-env-var": "out of scope: a security policy, not a correctness check",
    "job-ttl-seconds-after-finished": "out of scope: a cleanup best practice, not a correctness check",
    "minimum-three-replicas": "out of scope: an availability policy, not a correctness check",
    "hpa-minimum-three-replicas": "out of scope: an availability policy, not a correctness check",
    "use-namespace": "out of scope: a policy (objects in the default namespace are valid)",
    "(any default check, kustomize rendering)": "out of scope: k8slint checks files as written and does "
    "not render kustomizations (their patches are checked as partial objects)",
}

# Rows of compared checks where k8slint deliberately differs: (check, object) → (fires, reason).
_ALWAYS_ONLY = (
    "the API server accepts only Always for this controller's pods (ValidatePodTemplateSpecForReplicaSet, "
    "ValidateDaemonSetSpec, ValidatePodTemplateSpecForRC); kube-linter's policy accepts OnFailure"
)
_JOB_ALWAYS = "validateJobSpec rejects restartPolicy: Always in a Job's (and CronJob's) template; kube-linter accepts it"
_NEVER_VALID = "restartPolicy: Never is valid for bare Pods, Jobs and CronJobs; kube-linter's policy flags it"
ROW_DIFFERENCES: dict[tuple[str, str], tuple[bool, str]] = {
    ("restart-policy", "Deployment/dont-fire-deployment-on-failure"): (True, _ALWAYS_ONLY),
    ("restart-policy", "DaemonSet/dont-fire-daemonset-on-failure"): (True, _ALWAYS_ONLY),
    ("restart-policy", "ReplicaSet/dont-fire-replicaset-on-failure"): (True, _ALWAYS_ONLY),
    ("restart-policy", "ReplicationController/dont-fire-replicationcontroller-on-failure"): (True, _ALWAYS_ONLY),
    ("restart-policy", "Job/dont-fire-job-always"): (True, _JOB_ALWAYS),
    ("restart-policy", "CronJob/dont-fire-cronjob-always"): (True, _JOB_ALWAYS),
    ("restart-policy", "Pod/fire-pod-never"): (False, _NEVER_VALID),
    ("restart-policy", "Job/fire-job-never"): (False, _NEVER_VALID),
    ("restart-policy", "CronJob/fire-cronjob-never"): (False, _NEVER_VALID),
    ("dangling-servicemonitor", "ServiceMonitor/dont-fire (1st and 3rd documents)"): (
        True,
        "the 1st of these ServiceMonitors has no namespaceSelector, so the Prometheus operator looks in its own "
        "namespace (default) only, and Service dont-fire is in namespace dontfire; kube-linter matches Services "
        "in every namespace",
    ),
}


class Row(NamedTuple):
    file: str
    check: str
    fires: bool
    object: str
    note: str

    @property
    def id(self) -> str:
        return f"{self.file}::{self.check.split(' ')[0]}::{self.object}"


def _rows() -> list[Row]:
    if not EXPECTED.is_file():
        return []
    with EXPECTED.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return [
            Row(r["file"], r["check"], r["expected_fire"] == "yes", r["object"], r["note"]) for r in reader
        ]


ROWS = _rows()
COMPARED = [row for row in ROWS if row.check in COUNTERPARTS]


class Target(NamedTuple):
    """Which object (or container) of a file a row is about."""

    kind: Optional[str]
    name: Optional[str]
    container: Optional[str]
    api_version: Optional[str]
    whole_file: bool


_CONTAINER = re.compile(r"^(\w+) \(container ([^\s()]+)")
_NAMED = re.compile(r"^(\w+)/(\S+)(?: \((.*)\))?$")
_API_VERSION = re.compile(r"^(?:[a-z0-9.-]+/)?v\d+\w*$")


def _target(text: str) -> Target:
    if text == "whole file":
        return Target(None, None, None, None, True)
    m = _CONTAINER.match(text)
    if m:
        return Target(m.group(1), None, m.group(2), None, False)
    m = _NAMED.match(text)
    assert m, f"cannot read the object of an EXPECTED.tsv row: {text!r}"
    extra = m.group(3)
    api_version = extra if extra and _API_VERSION.match(extra) else None
    return Target(m.group(1), m.group(2), None, api_version, False)


_PATH_TOKEN = re.compile(r'\.?([A-Za-z0-9_\-]+)|\[(\d+)\]|\["([^"]*)"\]')
_CONTAINER_PATH = re.compile(r"^(.*?(?:initContainers|containers|ephemeralContainers)\[\d+\])")


def _parse_path(text: str) -> tuple:
    out: list[Any] = []
    for key, index, quoted in _PATH_TOKEN.findall(text):
        out.append(int(index) if index else (key or quoted))
    return tuple(out)


def _container_name(finding: Any) -> Optional[str]:
    """The name of the container a finding is inside of, from its path."""
    m = _CONTAINER_PATH.match(finding.path or "")
    source = getattr(finding, "source", None)
    if not m or source is None:
        return None
    path = _parse_path(m.group(1))[len(source.prefix):]
    container = get_path(source.data, path)
    name = container.get("name") if isinstance(container, dict) else None
    return name if isinstance(name, str) else None


def _about(finding: Any, target: Target) -> bool:
    if target.whole_file:
        return True
    ref = finding.object
    if ref is None or ref.kind != target.kind:
        return False
    if target.api_version is not None and ref.api_version != target.api_version:
        return False
    if target.container is not None:
        return _container_name(finding) == target.container
    return ref.name == target.name


@lru_cache(maxsize=None)
def _findings(file: str, codes: tuple[str, ...]) -> tuple:
    result = run_check(CheckOptions(paths=[str(PEER / file)], select=list(codes), use_config=False))
    return tuple(f for f in result.findings if f.rule in codes)


@lru_cache(maxsize=None)
def _known_codes() -> frozenset[str]:
    return frozenset(load_registry().impls)


@needs_shared
def test_every_kube_linter_check_is_compared_or_explained():
    assert ROWS, f"{EXPECTED} has no rows"
    checks = {row.check for row in ROWS}
    unexplained = sorted(checks - set(COUNTERPARTS) - set(NOT_COMPARED))
    assert not unexplained, f"kube-linter checks neither compared nor explained: {unexplained}"
    assert not set(COUNTERPARTS) & set(NOT_COMPARED)
    stale = sorted((set(COUNTERPARTS) | set(NOT_COMPARED)) - checks)
    assert not stale, f"checks listed here that EXPECTED.tsv no longer has: {stale}"
    stale_rows = sorted(set(ROW_DIFFERENCES) - {(row.check, row.object) for row in COMPARED})
    assert not stale_rows, f"row differences for rows EXPECTED.tsv does not have: {stale_rows}"


@needs_shared
@pytest.mark.parametrize("row", COMPARED, ids=[row.id for row in COMPARED])
def test_k8slint_agrees_with_kube_linter(row: Row):
    codes = COUNTERPARTS[row.check]
    missing = [code for code in codes if code not in _known_codes()]
    if missing:
        pytest.skip(f"{', '.join(missing)} (counterpart of {row.check}) is not implemented yet")
    expected, reason = row.fires, f"kube-linter: {row.note}"
    if (row.check, row.object) in ROW_DIFFERENCES:
        expected, why = ROW_DIFFERENCES[(row.check, row.object)]
        reason = f"deliberate difference: {why}"
    target = _target(row.object)
    hits = [f for f in _findings(row.file, codes) if _about(f, target)]
    shown = [f"{f.span.line}:{f.span.column} {f.rule} {f.message}" for f in hits]
    if expected:
        assert hits, f"{'/'.join(codes)} should fire on {row.object} in {row.file} ({reason})"
    else:
        assert not hits, f"{'/'.join(codes)} should stay quiet on {row.object} in {row.file} ({reason}): {shown}"
