"""KL406: two volumes of one pod with the same name."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_list, pod_template

RULE = Rule(
    "KL406", "duplicate-volume-name", Severity.ERROR, "storage",
    "Two volumes of one pod have the same name.",
    why="Volume names must be unique within a pod: the API server rejects the object "
    "(\"volumes[1].name: Duplicate value\"). Tools that merge lists by name (kubectl apply, "
    "kustomize) may also silently keep only one of them. It usually comes from copying a volume "
    "block and forgetting to rename it.",
    example="volumes:\n  - name: config\n    configMap:\n      name: web\n"
    "  - name: config\n    secret:\n      secretName: web-tls\n",
    use_instead="volumes:\n  - name: config\n    configMap:\n      name: web\n"
    "  - name: tls\n    secret:\n      secretName: web-tls\n",
)
KINDS = POD_KINDS


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    template = pod_template(obj, "")
    if template is None:
        return
    first: dict[str, int] = {}
    for i, volume in enumerate(as_list(template.spec.get("volumes"))):
        name = volume.get("name") if isinstance(volume, dict) else None
        if not isinstance(name, str):
            continue
        if name not in first:
            first[name] = i
            continue
        yield Report(
            template.spec_path + ("volumes", i, "name"),
            f'volume "{name}" is defined twice: volumes[{first[name]}] has the same name',
            "rename one of them (and the volumeMounts that mean it), or remove the copy",
        )
