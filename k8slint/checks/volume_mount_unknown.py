"""KL405: a container mounts a volume its pod does not define."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.fix_specs import SAFE, UNSAFE, set_value
from k8slint.rule import Report, Rule
from k8slint.suggest import closest, did_you_mean, distance, max_distance
from k8slint.workloads import POD_KINDS, as_dict, as_list, containers, pod_template

RULE = Rule(
    "KL405", "volume-mount-unknown", Severity.ERROR, "storage",
    "A container's volumeMount (or volumeDevice) names no volume of its pod.",
    why="Every `volumeMounts[].name` and `volumeDevices[].name` must be the name of a volume in "
    "the pod's `volumes` (for a StatefulSet, also of a `volumeClaimTemplates` entry). The API "
    "server rejects the object (\"volumeMounts[0].name: Not found\"); schema validators accept "
    "it because each field alone is valid. Kustomize patches are not checked: their volumes may "
    "come from the base.",
    example="containers:\n  - name: web\n    volumeMounts:\n      - name: confg\n        mountPath: /etc/web\n"
    "volumes:\n  - name: config\n    configMap:\n      name: web\n",
    use_instead="containers:\n  - name: web\n    volumeMounts:\n      - name: config\n        mountPath: /etc/web\n",
    # A misspelt name with exactly one close volume name: safe; unsafe when the same container
    # mounts that volume already (it may be meant for a volume the pod forgot to define).
    fixable="sometimes",
)
KINDS = POD_KINDS
MOUNT_LISTS = (("volumeMounts", 'mounts volume "{}"'), ("volumeDevices", 'uses volume "{}" as a block device'))


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    if obj.partial:
        return  # a patch: the volumes may be defined in the base it patches
    template = pod_template(obj, "")
    if template is None:
        return
    volumes = [v.get("name") for v in as_list(template.spec.get("volumes")) if isinstance(v, dict)]
    claims: list[Any] = []
    if obj.kind == "StatefulSet":
        claims = [
            as_dict(t.get("metadata")).get("name")
            for t in as_list(as_dict(obj.data.get("spec")).get("volumeClaimTemplates")) if isinstance(t, dict)
        ]
    known = [n for n in volumes + claims if isinstance(n, str)]
    for path, container in containers(template.spec, template.spec_path):
        for field, verb in MOUNT_LISTS:
            for i, mount in enumerate(as_list(container.get(field))):
                name = as_dict(mount).get("name")
                if not isinstance(name, str) or not name or name in known:
                    continue
                who = container.get("name")
                who = f'container "{who}"' if isinstance(who, str) else "a container"
                at = path + (field, i, "name")
                yield Report(
                    at,
                    f"{who} {verb.format(name)}, but the pod has no volume of that name",
                    _help(name, known, obj.kind == "StatefulSet"),
                    fix=_typo_fix(at, name, known, container),
                )


def _typo_fix(at: tuple, name: str, known: list[str], container: dict) -> Any:
    """The one volume name close to ``name``: within two edits (fewer for short names, as in
    the help's "did you mean"), and no other volume name within that distance at all. Safe,
    unless the container already mounts that volume: mounting one volume twice is valid
    (another subPath, another path), but then the mount may as well be meant for a volume the
    pod does not define yet, so a person should look."""
    limit = min(2, max_distance(name))
    near = closest(name, known, limit=limit)
    if len(near) != 1:
        return None
    volume = near[0]
    if any(k != volume and distance(name.lower(), k.lower(), limit) <= limit for k in set(known)):
        return None  # "confg" with volumes "config" and "configs": not one intent
    used = any(
        as_dict(other).get("name") == volume for field, _ in MOUNT_LISTS for other in as_list(container.get(field))
    )
    return set_value(at, volume, f'replace "{name}" with "{volume}"', UNSAFE if used else SAFE)


def _help(name: str, known: list[str], stateful: bool) -> str:
    hint = did_you_mean(name, known)
    if hint is not None:
        return hint
    where = "volumes (or volumeClaimTemplates)" if stateful else "volumes"
    if known:
        listed = ", ".join(f'"{n}"' for n in known[:8]) + (", ..." if len(known) > 8 else "")
        return f'the pod\'s volumes are {listed}: use one of them, or add a volume named "{name}" to {where}'
    return f'the pod has no volumes: add one named "{name}" to {where}'
