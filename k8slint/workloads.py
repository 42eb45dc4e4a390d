"""Where the pods of an object are described: pod templates, containers, replicas, namespaces.

Rules ask these questions of many kinds (a Pod, a Deployment, a CronJob's job template, ...);
the answers live here once. Every accessor tolerates objects with wrong types (they have
already been reported by the schema check) by treating them as absent.
"""
from __future__ import annotations

from typing import Any, Iterator, Optional, TypeGuard

from k8slint.named_tuple import NamedTuple
from k8slint.objects import K8sObject

# Where each workload kind keeps its pod template (the mapping with metadata and spec).
TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "DeploymentConfig": ("spec", "template"),  # OpenShift (apps.openshift.io)
    "PodTemplate": ("template",),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")
# Kinds that have a pod spec: the workloads above and the Pod itself.
POD_KINDS = frozenset(TEMPLATE_PATHS) | {"Pod"}

# Kinds whose objects live outside any namespace (the ones rules look up).
CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "StorageClass", "ClusterRole", "ClusterRoleBinding",
    "CustomResourceDefinition", "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver",
    "CSINode", "VolumeAttachment", "APIService", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "CertificateSigningRequest",
    "FlowSchema", "PriorityLevelConfiguration", "ComponentStatus", "ClusterTrustBundle",
    "DeviceClass", "ResourceSlice", "VolumeAttributesClass", "IPAddress", "ServiceCIDR",
})


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def is_int(value: Any) -> TypeGuard[int]:
    """An integer, not a boolean (YAML's true is an int to Python, not to Kubernetes)."""
    return isinstance(value, int) and not isinstance(value, bool)


def get_path(data: Any, path: tuple) -> Any:
    for elem in path:
        if isinstance(elem, int):
            if not isinstance(data, list) or not 0 <= elem < len(data):
                return None
            data = data[elem]
        else:
            if not isinstance(data, dict):
                return None
            data = data.get(elem)
    return data


def string_labels(value: Any) -> dict[str, str]:
    """A label map with its non-string entries dropped (those are schema errors already): the
    object's own mapping when nothing is dropped (as usual), so callers must not change it."""
    value = as_dict(value)
    for v in value.values():
        if not isinstance(v, str):
            return {k: v for k, v in value.items() if isinstance(v, str)}
    return value


class PodTemplate(NamedTuple):
    obj: K8sObject
    path: tuple  # to the template mapping (metadata + spec); () for a Pod
    spec: dict[str, Any]
    labels: dict[str, str]
    namespace: str

    @property
    def spec_path(self) -> tuple:
        return self.path + ("spec",)

    @property
    def labels_path(self) -> tuple:
        return self.path + ("metadata", "labels") if self.path else ("metadata", "labels")

    def describe(self) -> str:
        """'Deployment default/web'."""
        return f"{self.obj.kind} {self.namespace}/{self.obj.name or '<unnamed>'}"


def pod_template(obj: K8sObject, namespace: str) -> Optional[PodTemplate]:
    """The pod template of a workload, or the Pod itself; None for other kinds.

    Many rules ask for it, so it is kept on the object (per namespace asked for)."""
    cache = obj.templates
    if namespace in cache:
        return cache[namespace]
    template = cache[namespace] = _pod_template(obj, namespace)
    return template


def _pod_template(obj: K8sObject, namespace: str) -> Optional[PodTemplate]:
    kind = obj.kind
    if kind == "Pod":
        return PodTemplate(obj, (), as_dict(obj.data.get("spec")), string_labels(obj.metadata.get("labels")), namespace)
    path = TEMPLATE_PATHS.get(kind) if isinstance(kind, str) else None
    if path is None:
        return None
    template = as_dict(get_path(obj.data, path))
    metadata = as_dict(template.get("metadata"))
    return PodTemplate(obj, path, as_dict(template.get("spec")), string_labels(metadata.get("labels")), namespace)


def containers(spec: dict[str, Any], base: tuple = ()) -> Iterator[tuple[tuple, dict[str, Any]]]:
    """(path, container) for every container, init container and ephemeral container."""
    for field in CONTAINER_LISTS:
        for i, container in enumerate(as_list(spec.get(field))):
            if isinstance(container, dict):
                yield base + (field, i), container


def pod_containers(obj: K8sObject) -> Iterator[tuple[tuple, dict[str, Any]]]:
    """(path from the object's root, container) for every container of the object's pod spec."""
    template = pod_template(obj, "")
    if template is not None:
        yield from containers(template.spec, template.spec_path)


def replicas(obj: K8sObject) -> Optional[int]:
    """How many pods the object runs at once: None when unbounded (DaemonSet) or unknown."""
    kind = obj.kind
    spec = as_dict(obj.data.get("spec"))
    if kind == "Pod":
        return 1
    if kind in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "DeploymentConfig"):
        value = spec.get("replicas", 1)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1
    if kind == "Job":
        value = spec.get("parallelism", 1)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1
    if kind == "CronJob":
        value = get_path(spec, ("jobTemplate", "spec", "parallelism"))
        return value if isinstance(value, int) and not isinstance(value, bool) else 1
    return None  # DaemonSet: one per node; PodTemplate: not running


def runs_many(obj: K8sObject) -> bool:
    """Whether the object can run more than one pod at the same time."""
    if obj.kind == "DaemonSet":
        return True
    count = replicas(obj)
    return count is not None and count > 1


def namespace_of(obj: K8sObject, default_namespace: str) -> Optional[str]:
    """The object's namespace (the default one when unset); None for cluster-scoped kinds.
    (Rules ask it about ten times per object: the kind is read once, its type checked exactly.)"""
    kind = obj.kind
    if kind.__class__ is str and kind in CLUSTER_SCOPED:
        return None
    return obj.namespace or default_namespace


def claim_template_names(obj: Any) -> set[str]:
    """Names of a StatefulSet's volumeClaimTemplates: each pod gets its own claim for them,
    which replaces a pod volume of the same name."""
    if obj.kind != "StatefulSet":
        return set()
    names = set()
    for item in as_list(as_dict(obj.data.get("spec")).get("volumeClaimTemplates")):
        name = as_dict(as_dict(item).get("metadata")).get("name")
        if isinstance(name, str):
            names.add(name)
    return names
