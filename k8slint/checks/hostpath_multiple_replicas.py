"""KL407: a hostPath volume used as storage by a workload that runs several pods."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import TEMPLATE_PATHS, as_dict, as_list, pod_template, replicas, runs_many

RULE = Rule(
    "KL407", "hostpath-multiple-replicas", Severity.WARNING, "storage",
    "A workload that runs several pods keeps data in a hostPath volume, so its replicas do not share it.",
    why="A hostPath volume is a folder of the node the pod runs on. With several replicas (or a "
    "parallel Job) the pods land on different nodes, each sees its own folder, and data written "
    "by one replica is missing in the others, or lost when a pod moves. DaemonSets are not "
    "reported (reading each node's own files is their purpose), nor are hostPath volumes of node "
    "resources rather than data: sockets and devices (type Socket, CharDevice, BlockDevice) and "
    "paths under /dev, /proc, /sys, /run, /var/run, /etc, /lib/modules, /usr, /boot, /var/log, "
    "/var/lib/docker, /var/lib/kubelet and /var/lib/containerd.",
    example="kind: Deployment\nspec:\n  replicas: 2\n  template:\n    spec:\n      volumes:\n"
    "        - name: data\n          hostPath:\n            path: /data\n",
    use_instead="      volumes:\n        - name: data\n          persistentVolumeClaim:\n"
    "            claimName: data  # ReadWriteMany storage\n",
)
KINDS = frozenset(TEMPLATE_PATHS) - {"DaemonSet", "PodTemplate"}
NODE_TYPES = frozenset({"Socket", "CharDevice", "BlockDevice"})
NODE_PATHS = (
    "/dev", "/proc", "/sys", "/run", "/var/run", "/etc", "/lib/modules", "/usr", "/boot", "/var/log",
    "/var/lib/docker", "/var/lib/kubelet", "/var/lib/containerd",
)


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    if not runs_many(obj):
        return
    template = pod_template(obj, "")
    if template is None:
        return
    count = replicas(obj)
    pods = f"{count} pods in parallel" if obj.kind in ("Job", "CronJob") else f"{count} replicas"
    for i, volume in enumerate(as_list(template.spec.get("volumes"))):
        host = as_dict(volume).get("hostPath") if isinstance(volume, dict) else None
        if not isinstance(host, dict) or _node_resource(host):
            continue
        path = host.get("path")
        shown = f'hostPath "{path}", a folder' if isinstance(path, str) else "a hostPath folder"
        name = volume.get("name")
        label = f'volume "{name}"' if isinstance(name, str) else f"volumes[{i}]"
        yield Report(
            template.spec_path + ("volumes", i, "hostPath"),
            f"{obj.kind} {ctx.namespace(obj)}/{obj.name or '<unnamed>'} runs {pods} but keeps {label} "
            f"in {shown} of whichever node each pod runs on",
            "each pod sees the disk of its own node, so the replicas do not share data; use a "
            "PersistentVolumeClaim with ReadWriteMany storage, or one replica",
            key=True,
        )


def _node_resource(host: dict) -> bool:
    """Whether the hostPath is a node resource (socket, device, system folder) rather than data."""
    if host.get("type") in NODE_TYPES:
        return True
    path = host.get("path")
    if not isinstance(path, str):
        return False
    path = "/" + path.strip("/")
    return any(path == p or path.startswith(p + "/") for p in NODE_PATHS)
