"""Kinds served by the API server itself, as opposed to custom resources.

Validation the API server applies to its own kinds (name formats, labels in selectors and
templates, quantities) does not apply to a custom resource, even one with a familiar kind name:
rules ask ``is_builtin`` before they look inside an object.
"""
from __future__ import annotations

from typing import Any, Optional

# API groups served by the API server itself (custom resources live in other groups, and
# gateway.networking.k8s.io, snapshot.storage.k8s.io, ... are CRDs although they end in k8s.io).
BUILTIN_GROUPS = frozenset({
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io",
    "rbac.authorization.k8s.io", "storage.k8s.io", "scheduling.k8s.io", "node.k8s.io",
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io", "certificates.k8s.io", "flowcontrol.apiserver.k8s.io",
    "events.k8s.io", "resource.k8s.io", "authentication.k8s.io", "authorization.k8s.io",
    "internal.apiserver.k8s.io", "storagemigration.k8s.io",
})


def api_group(obj: Any) -> Optional[str]:
    """The API group of an object ("" for core v1), None when apiVersion is not a string."""
    api_version = obj.api_version
    if not isinstance(api_version, str):
        return None
    return api_version.rpartition("/")[0]


def is_builtin(obj: Any) -> bool:
    """Whether the object's kind is served by the API server itself (not a custom resource)."""
    return api_group(obj) in BUILTIN_GROUPS and isinstance(obj.kind, str)
