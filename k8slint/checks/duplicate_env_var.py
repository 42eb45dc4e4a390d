"""KL103: the same env var name twice in one container's `env`."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_list, pod_containers

RULE = Rule(
    "KL103", "duplicate-env-var", Severity.WARNING, "env",
    "A container sets the same env var twice; only the last one takes effect.",
    why="When a name appears twice in a container's `env`, the kubelet keeps the last item "
    "and silently drops the earlier one, so whoever edits the first item changes nothing. "
    "The API server accepts it with a warning only, and `kubectl apply`, which merges env "
    "items by name, may drop one of them on a later change.",
    example="env:\n  - name: PORT\n    value: \"8080\"\n  - name: PORT\n    value: \"9090\"\n",
    use_instead="env:\n  - name: PORT\n    value: \"9090\"\n",
)
KINDS = POD_KINDS


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    for path, container in pod_containers(obj):
        seen: dict[str, list[int]] = {}
        for i, item in enumerate(as_list(container.get("env"))):
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                seen.setdefault(item["name"], []).append(i)
        cname = container.get("name")
        where = f'container "{cname}"' if isinstance(cname, str) else f"{path[-2]}[{path[-1]}]"
        for name, indexes in seen.items():
            if len(indexes) < 2:
                continue
            places = [f"env[{i}]" for i in indexes]
            if len(indexes) == 2:
                message = (
                    f'env var "{name}" is set twice in {where} ({places[0]} and {places[1]}); '
                    "Kubernetes uses the later one"
                )
            else:
                message = (
                    f'env var "{name}" is set {len(indexes)} times in {where} '
                    f'({", ".join(places[:-1])} and {places[-1]}); Kubernetes uses the last one'
                )
            help = (
                "remove one of the two items, or merge them into one" if len(indexes) == 2
                else f'keep one item for "{name}" and remove the others'
            )
            yield Report(path + ("env", indexes[-1], "name"), message, help)
