"""KL404: a ReadWriteOnce(Pod) PersistentVolumeClaim mounted by several pods at once."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_dict, as_list, claim_template_names, get_path, pod_template, replicas, runs_many

RULE = Rule(
    "KL404", "rwo-claim-shared", Severity.WARNING, "storage",
    "A ReadWriteOnce PersistentVolumeClaim is mounted by a workload that runs several pods, or by "
    "several workloads.",
    why="A ReadWriteOnce volume can be attached to one node at a time, a ReadWriteOncePod volume "
    "to one pod. A Deployment with replicas > 1, a DaemonSet or a parallel Job that mounts such a "
    "claim works only while all its pods land on the same node: the others hang in "
    "ContainerCreating (\"Multi-Attach error\") or stay Pending, and node-local volumes (hostPath, "
    "local) give each node its own data. The same holds for two different workloads of one "
    "folder (what kubectl apply -f applies together) mounting one such claim, which is reported "
    "too. Not reported: claims whose bound PersistentVolume (in the checked files) offers "
    "ReadWriteMany or ReadOnlyMany, and pods pinned to one node (nodeName or a required "
    "podAffinity).",
    example="kind: Deployment\nspec:\n  replicas: 2\n  template:\n    spec:\n      volumes:\n"
    "        - name: data\n          persistentVolumeClaim:\n            claimName: data\n---\n"
    "kind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n",
    use_instead="kind: StatefulSet\nspec:\n  replicas: 2\n  volumeClaimTemplates:\n    - metadata:\n"
    "        name: data\n      spec:\n        accessModes: [ReadWriteOnce]\n",
)
# It reports on objects with pods: without a checked one, the rule is not even imported.
KINDS = POD_KINDS
# It reads no label, only pod volumes, replicas, pinning and claims' access modes, by folder (pod
# templates by namespace, not by label): a warm run whose edits changed only labels keeps its
# findings (see k8slint.run_snapshot).
READS_LABELS = False
# Of the facts a warm run keeps apart (see k8slint.run_snapshot.PARTS), it reads replicas, not
# ports: an edit of only ports does not run it again.
READS_FACTS = frozenset({"replicas"})
SINGLE_MODES = frozenset({"ReadWriteOnce", "ReadWriteOncePod"})
SHARED_MODES = frozenset({"ReadWriteMany", "ReadOnlyMany"})


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    # (namespace, claim name, folder) → the workloads that mount it (by identity, in order), for
    # the "several workloads" case; id(object) → (volume index, claim name) of its claim volumes.
    users: dict[tuple, dict[int, Any]] = defaultdict(dict)
    claims_of: dict[int, list[tuple[int, str]]] = {}
    # Only objects with pod templates mount claims: the index has them by namespace, each
    # namespace's in the order of the index (the order of the users of a claim).
    for namespace in index.template_namespaces():
        for template in index.templates(namespace):
            obj = template.obj
            if obj.kind == "PodTemplate":
                continue  # a template runs nothing by itself
            claims = _claims(obj, template)
            if claims:
                claims_of[id(obj)] = claims
                folder = index.folder(obj)
                for _, claim in claims:
                    users[(namespace, claim, folder)].setdefault(id(obj), obj)
    mounts = [
        (obj, namespace, template, claim, template.spec_path + ("volumes", i, "persistentVolumeClaim", "claimName"))
        for obj, namespace, template in index.checked_templates() for i, claim in claims_of.get(id(obj), ())
    ]

    modes_of: dict[tuple, Optional[list[str]]] = {}  # (namespace, claim) → see _single_node_modes
    for obj, namespace, template, claim, path in mounts:
        if (namespace, claim) not in modes_of:
            modes_of[(namespace, claim)] = _single_node_modes(index, namespace, claim)
        modes = modes_of[(namespace, claim)]
        if modes is None or _pinned(template.spec):
            continue
        shown = f"PersistentVolumeClaim {claim} ({', '.join(modes)})"
        only_pod = modes == ["ReadWriteOncePod"]
        if runs_many(obj):
            message = f"{template.describe()} {_how_many(obj)} {shown}"
            if only_pod:
                help = "a ReadWriteOncePod volume serves one pod: the other pods stay Pending"
            else:
                help = ("a ReadWriteOnce volume is attached to one node at a time: pods on other nodes "
                        "cannot mount it")
            help += "; use ReadWriteMany storage, one replica, or a StatefulSet with volumeClaimTemplates"
            yield Report(path, message, help, obj=obj)
            continue
        folder = index.folder(obj)
        others = _others(obj, list(users[(namespace, claim, folder)].values()), index)
        if not others:
            continue
        names = ", ".join(_describe(o, index) for o in others[:3])
        if len(others) > 3:
            names += f" and {len(others) - 3} more"
        message = f"{template.describe()} mounts {shown}, which {names} also mount{'s' if len(others) == 1 else ''}"
        if only_pod:
            help = "a ReadWriteOncePod volume serves one pod at a time: the others stay Pending"
        else:
            help = ("a ReadWriteOnce volume is attached to one node at a time: pods of the other "
                    "workload cannot start on another node")
        help += "; use ReadWriteMany storage, give each workload its own claim, or pin them to one node"
        yield Report(path, message, help, obj=obj)


def _claims(obj: Any, template: Any) -> list[tuple[int, str]]:
    """(volume index, claim name) of the pod volumes that mount a claim. (Read field by field:
    it runs for every pod template, and most volumes are not claims.)"""
    volumes = template.spec.get("volumes")
    if not isinstance(volumes, list):
        return []
    out = []
    for i, volume in enumerate(volumes):
        source = volume.get("persistentVolumeClaim") if isinstance(volume, dict) else None
        claim = source.get("claimName") if isinstance(source, dict) else None
        if isinstance(claim, str) and claim:
            out.append((i, claim))
    if out and obj.kind == "StatefulSet":
        # Its volumeClaimTemplates give each pod its own claim instead of a volume of their name.
        templated = claim_template_names(obj)
        out = [(i, claim) for i, claim in out if not _named(volumes[i], templated)]
    return out


def _named(volume: dict[str, Any], names: set[str]) -> bool:
    name = volume.get("name")
    return isinstance(name, str) and name in names


def _single_node_modes(index: Any, namespace: Optional[str], claim: str) -> Optional[list[str]]:
    """The claim's access modes when all of them allow one node (or pod) only; else None."""
    found = index.get("PersistentVolumeClaim", namespace, claim)
    if not found:
        return None  # KL403
    spec = as_dict(found[0].data.get("spec"))
    modes = [m for m in as_list(spec.get("accessModes")) if isinstance(m, str)]
    if not modes or not set(modes) <= SINGLE_MODES:
        return None
    volume_name = spec.get("volumeName")
    if isinstance(volume_name, str) and volume_name:
        for volume in index.get("PersistentVolume", None, volume_name):
            offered = as_list(as_dict(volume.data.get("spec")).get("accessModes"))
            if any(m in SHARED_MODES for m in offered if isinstance(m, str)):
                return None  # the attach controller goes by the volume's modes
    return sorted(set(modes), key=modes.index)


def _pinned(spec: dict) -> bool:
    """Whether the pods are held on one node: nodeName, or a required pod affinity."""
    if isinstance(spec.get("nodeName"), str) and spec["nodeName"]:
        return True
    return bool(get_path(spec, ("affinity", "podAffinity", "requiredDuringSchedulingIgnoredDuringExecution")))


def _others(obj: Any, users: list[Any], index: Any) -> list[Any]:
    """The other workloads among ``users`` in the folder of ``obj`` (what is applied together):
    one each, never a copy of ``obj`` (KL501's case)."""
    seen = {_describe(obj, index)}
    folder = index.folder(obj)
    out = []
    for other in users:
        key = _describe(other, index)
        if index.folder(other) != folder:
            continue  # applied separately, maybe to another cluster
        if key not in seen and not _pinned(_spec(other, index)):
            seen.add(key)
            out.append(other)
    return out


def _spec(obj: Any, index: Any) -> dict:
    template = pod_template(obj, index.namespace(obj) or index.default_namespace)
    return template.spec if template is not None else {}


def _describe(obj: Any, index: Any) -> str:
    return f"{obj.kind} {index.namespace(obj)}/{obj.name or '<unnamed>'}"


def _how_many(obj: Any) -> str:
    if obj.kind == "DaemonSet":
        return "runs a pod on every node, and all of them mount"
    count = replicas(obj)
    if obj.kind in ("Job", "CronJob"):
        return f"runs {count} pods in parallel that all mount"
    return f"runs {count} replicas that all mount"
