"""schemas/deprecations.yaml and k8slint.deprecations: the data agrees with the bundled schemas
of every version, lists every removal of the deprecation guide, and answers lookups."""
from __future__ import annotations

import subprocess
import sys
from functools import lru_cache

import pytest

from k8slint import deprecations
from k8slint.deprecations import Deprecation, all_entries, lookup, status, version_tuple
from k8slint.paths import data_dir
from k8slint.schema_store import SchemaStore, available_versions

VERSIONS = available_versions()

# Every apiVersion/kind the Deprecated API Migration Guide
# (https://kubernetes.io/docs/reference/using-api/deprecation-guide/) lists as removed, by release.
# Not listed: apps/v1beta1 ReplicaSet, which the guide's v1.16 ReplicaSet section names but which
# never existed (apps/v1beta1 had no ReplicaSet; see the comment in deprecations.yaml).
GUIDE_REMOVALS = {
    "1.32": [
        ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration"),
    ],
    "1.29": [
        ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration"),
    ],
    "1.27": [("storage.k8s.io/v1beta1", "CSIStorageCapacity")],
    "1.26": [
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler"),
    ],
    "1.25": [
        ("batch/v1beta1", "CronJob"),
        ("discovery.k8s.io/v1beta1", "EndpointSlice"),
        ("events.k8s.io/v1beta1", "Event"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler"),
        ("policy/v1beta1", "PodDisruptionBudget"),
        ("policy/v1beta1", "PodSecurityPolicy"),
        ("node.k8s.io/v1beta1", "RuntimeClass"),
    ],
    "1.22": [
        ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"),
        ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"),
        ("apiregistration.k8s.io/v1beta1", "APIService"),
        ("authentication.k8s.io/v1beta1", "TokenReview"),
        ("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview"),
        ("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview"),
        ("authorization.k8s.io/v1beta1", "SubjectAccessReview"),
        ("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview"),
        ("certificates.k8s.io/v1beta1", "CertificateSigningRequest"),
        ("coordination.k8s.io/v1beta1", "Lease"),
        ("extensions/v1beta1", "Ingress"),
        ("networking.k8s.io/v1beta1", "Ingress"),
        ("networking.k8s.io/v1beta1", "IngressClass"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
        ("rbac.authorization.k8s.io/v1beta1", "Role"),
        ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"),
        ("scheduling.k8s.io/v1beta1", "PriorityClass"),
        ("storage.k8s.io/v1beta1", "CSIDriver"),
        ("storage.k8s.io/v1beta1", "CSINode"),
        ("storage.k8s.io/v1beta1", "StorageClass"),
        ("storage.k8s.io/v1beta1", "VolumeAttachment"),
    ],
    "1.16": [
        ("extensions/v1beta1", "NetworkPolicy"),
        ("extensions/v1beta1", "PodSecurityPolicy"),
        ("extensions/v1beta1", "DaemonSet"),
        ("apps/v1beta2", "DaemonSet"),
        ("extensions/v1beta1", "Deployment"),
        ("apps/v1beta1", "Deployment"),
        ("apps/v1beta2", "Deployment"),
        ("apps/v1beta1", "StatefulSet"),
        ("apps/v1beta2", "StatefulSet"),
        ("extensions/v1beta1", "ReplicaSet"),
        ("apps/v1beta2", "ReplicaSet"),
    ],
}

# Stopped being served by default in 1.16, but the OpenAPI documents of 1.16 and 1.17 (and so
# the bundled schemas of those versions) still list these apiVersions; from 1.18 on they are gone.
STILL_IN_SCHEMAS_UNTIL = {"1.16": "1.18"}


@lru_cache(maxsize=None)
def _store(version: str) -> SchemaStore:
    return SchemaStore(version)


def served(api_version: str, kind: str, version: str) -> bool:
    return _store(version).lookup(api_version, kind) is not None


def vt(version: str) -> tuple[int, int]:
    return version_tuple(version)


def previous(version: str) -> str:
    major, minor = vt(version)
    return f"{major}.{minor - 1}"


# -- the data ------------------------------------------------------------------------------------
def test_data_ships_with_the_schemas_and_is_well_formed():
    assert (data_dir() / "schemas" / "deprecations.yaml").is_file()
    entries = all_entries()
    assert len(entries) >= 50
    keys = [(e.api_version, e.kind) for e in entries]
    assert len(keys) == len(set(keys))
    for e in entries:
        assert e.state is None and e.version is None
        assert e.deprecated is not None, e
        for value in (e.deprecated, e.removed, e.replacement_since):
            assert value is None or (isinstance(value, str) and vt(value) >= (1, 0)), e
        if e.removed is not None:
            assert vt(e.deprecated) < vt(e.removed), e
        assert (e.replacement is None) == (e.replacement_since is None) == (e.replacement_kind is None), e
        assert e.notes is None or (isinstance(e.notes, str) and 0 < len(e.notes) <= 240), e
        # "since 1.16": every removal (or deprecation without removal) is in 1.16 or later
        assert vt(e.removed or e.deprecated) >= (1, 16), e


def test_every_removal_of_the_guide_is_listed():
    for removed, items in GUIDE_REMOVALS.items():
        for api_version, kind in items:
            entry = lookup(api_version, kind)
            assert entry is not None, (api_version, kind)
            assert entry.removed == removed, (api_version, kind, entry.removed)


@pytest.mark.parametrize("entry", all_entries(), ids=lambda e: f"{e.api_version}/{e.kind}")
def test_entry_agrees_with_the_bundled_schemas(entry: Deprecation):
    """Removed in X: served by X-1 (if bundled) and by no bundled version from X on. Only
    deprecated: served by every bundled version from its deprecation on. The replacement: served
    by every bundled version from replacement_since on (until its own removal, if listed), and by
    none before it."""
    newest = VERSIONS[-1]
    if entry.removed is not None:
        gone_from = STILL_IN_SCHEMAS_UNTIL.get(entry.removed, entry.removed)
        if previous(entry.removed) in VERSIONS:
            assert served(entry.api_version, entry.kind, previous(entry.removed))
        for version in VERSIONS:
            if vt(entry.removed) <= vt(version) < vt(gone_from):
                assert served(entry.api_version, entry.kind, version), version  # the OpenAPI quirk, exactly
            elif vt(version) >= vt(gone_from):
                assert not served(entry.api_version, entry.kind, version), version
    else:
        for version in VERSIONS:
            if vt(version) >= vt(entry.deprecated):
                assert served(entry.api_version, entry.kind, version), version
        assert served(entry.api_version, entry.kind, newest)
    if entry.replacement is not None:
        own = lookup(entry.replacement, entry.replacement_kind)
        own_gone = STILL_IN_SCHEMAS_UNTIL.get(own.removed, own.removed) if own and own.removed else None
        for version in VERSIONS:
            expected = vt(version) >= vt(entry.replacement_since) and not (own_gone and vt(version) >= vt(own_gone))
            assert served(entry.replacement, entry.replacement_kind, version) == expected, version


def test_every_beta_removal_seen_in_the_schemas_is_listed():
    """A beta apiVersion/kind that one bundled version serves and the next does not is listed
    (alpha APIs may go without deprecation). Not applied by users, so not listed: List kinds,
    subresources (Scale, DeploymentRollback, Eviction) and controller-written ControllerRevisions."""
    missing = []
    for before, after in zip(VERSIONS, VERSIONS[1:]):
        for api_version, kinds in _store(before).kinds.items():
            if "beta" not in api_version.rpartition("/")[2]:
                continue
            for kind in kinds:
                if kind.endswith("List") or kind in {"Scale", "DeploymentRollback", "Eviction", "ControllerRevision"}:
                    continue
                if not served(api_version, kind, after) and lookup(api_version, kind) is None:
                    missing.append((api_version, kind, after))
    assert missing == []


# -- lookups -------------------------------------------------------------------------------------
def test_extensions_ingress():
    entry = lookup("extensions/v1beta1", "Ingress")
    assert (entry.deprecated, entry.removed, entry.replacement, entry.replacement_since) == (
        "1.14", "1.22", "networking.k8s.io/v1", "1.19")
    assert "backend.service.name" in entry.notes
    assert status("extensions/v1beta1", "Ingress", "1.13") is None
    d21 = status("extensions/v1beta1", "Ingress", "1.21")
    assert d21.state == "deprecated" and d21.is_deprecated and not d21.is_removed and d21.version == "1.21"
    d37 = status("extensions/v1beta1", "Ingress", "v1.37.1")
    assert d37.state == "removed" and d37.is_removed and d37.version == "1.37"
    assert (d37.replacement, d37.replacement_kind, d37.replacement_since) == ("networking.k8s.io/v1", "Ingress", "1.19")


def test_cronjob_psp_hpa_flowcontrol():
    cron = status("batch/v1beta1", "CronJob", "1.25")
    assert cron.is_removed and (cron.deprecated, cron.removed, cron.replacement, cron.replacement_since) == (
        "1.21", "1.25", "batch/v1", "1.21")
    assert status("batch/v1beta1", "CronJob", "1.24").is_deprecated
    psp = status("policy/v1beta1", "PodSecurityPolicy", "1.25")
    assert psp.is_removed and psp.removed == "1.25" and psp.replacement is None and psp.replacement_since is None
    hpa = status("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26")
    assert hpa.is_removed and hpa.removed == "1.26" and hpa.replacement == "autoscaling/v2"
    flow = status("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", "1.32")
    assert flow.is_removed and flow.removed == "1.32" and flow.replacement == "flowcontrol.apiserver.k8s.io/v1"
    assert status("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.31").is_deprecated


def test_replacement_chains_are_followed_to_what_the_version_serves():
    # v1beta1 → v1beta2 (served 1.23-1.28) → v1 (from 1.29)
    assert status("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.27").replacement == "flowcontrol.apiserver.k8s.io/v1beta2"
    late = status("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.30")
    assert (late.replacement, late.replacement_since) == ("flowcontrol.apiserver.k8s.io/v1", "1.29")
    # the data itself is unchanged
    assert lookup("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema").replacement == "flowcontrol.apiserver.k8s.io/v1beta2"
    # extensions PSP → policy/v1beta1 PSP (until 1.24) → nothing
    assert status("extensions/v1beta1", "PodSecurityPolicy", "1.20").replacement == "policy/v1beta1"
    gone = status("extensions/v1beta1", "PodSecurityPolicy", "1.25")
    assert gone.is_removed and gone.replacement is None and gone.replacement_kind is None
    # every resolved replacement is served by the version asked about (once it is served at all)
    for entry in all_entries():
        for version in VERSIONS:
            found = status(entry.api_version, entry.kind, version)
            if found and found.replacement and vt(version) >= vt(found.replacement_since):
                assert served(found.replacement, found.replacement_kind, version), (entry.api_version, entry.kind, version)


def test_deprecated_but_served():
    endpoints = status("v1", "Endpoints", "1.33")
    assert endpoints.is_deprecated and endpoints.removed is None
    assert (endpoints.replacement, endpoints.replacement_kind) == ("discovery.k8s.io/v1", "EndpointSlice")
    assert status("v1", "Endpoints", "1.32") is None


def test_unlisted_and_invalid():
    assert status("apps/v1", "Deployment", "1.30") is None
    assert status("example.com/v1", "Widget", "1.30") is None
    with pytest.raises(ValueError):
        status("extensions/v1beta1", "Ingress", "latest")


def test_importing_costs_nothing_until_used():
    code = (
        "import sys, k8slint.deprecations as d\n"
        "assert 'k8slint.loader' not in sys.modules and 'ruamel' not in sys.modules, 'loaded early'\n"
        "assert d.status('batch/v1beta1', 'CronJob', '1.25').removed == '1.25'\n"
        "assert 'k8slint.loader' in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_malformed_data_is_reported(tmp_path):
    bad = tmp_path / "deprecations.yaml"
    bad.write_text("- apiVersion: a/v1\n  kind: K\n  deprecated: 1.20\n  removed: null\n"
                   "  replacement: null\n  replacement_since: null\n  notes: null\n")
    with pytest.raises(ValueError, match="quoted"):
        deprecations._read(bad)
    bad.write_text("- apiVersion: a/v1\n  kind: K\n")
    with pytest.raises(ValueError, match="fields"):
        deprecations._read(bad)
