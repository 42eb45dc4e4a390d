"""What a resource name says about its quantities (pkg/apis/core/helper in Kubernetes):
native or extended, counted in whole units, allowed to overcommit.
"""
from __future__ import annotations

# helper.integerResources (quota object counts); extended resources are integers too.
INTEGER_RESOURCES = frozenset({
    "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers",
})


def is_integer_resource(name: str) -> bool:
    """helper.IsIntegerResourceName: quota object counts and extended resources."""
    return name in INTEGER_RESOURCES or name.startswith("count/") or is_extended_resource(name)


def is_native_resource(name: str) -> bool:
    return "/" not in name or "kubernetes.io/" in name


def is_extended_resource(name: str) -> bool:
    """helper.IsExtendedResourceName: a fully qualified name outside kubernetes.io, such as nvidia.com/gpu."""
    return not is_native_resource(name) and not name.startswith("requests.")


def is_overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources other than hugepages."""
    return is_native_resource(name) and not name.startswith("hugepages-")
