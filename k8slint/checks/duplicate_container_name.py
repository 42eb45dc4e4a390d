"""KL620: two containers of one pod with the same name, or a container name that is not a
DNS-1123 label."""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.naming import DNS1123_LABEL_MAX, dns1123_label
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_list, pod_template

RULE = Rule(
    "KL620", "duplicate-container-name", Severity.ERROR, "api-validation",
    "Two containers of one pod (containers, initContainers, ephemeralContainers) have the same "
    "name, or a container name is not a DNS-1123 label.",
    why="Container names identify containers in the kubelet, in logs (kubectl logs -c) and in "
    "patches, so the API server requires them to be unique across the containers, init "
    "containers and ephemeral containers of a pod, and to be DNS-1123 labels (lowercase letters, "
    "digits and '-', at most 63 characters). It mirrors validateContainers, validateInitContainers "
    "and validateEphemeralContainers in pkg/apis/core/validation/validation.go (\"Duplicate "
    "value\") and validateContainerCommon (ValidateDNS1123Label). The schema only says the name "
    "is a string. A copied container block whose name was not changed is the usual cause; "
    "kubectl apply and kustomize also merge containers by name, so one would silently replace "
    "the other.",
    example="initContainers:\n  - name: app\n    image: migrate:1.2\ncontainers:\n  - name: app\n"
    "    image: web:1.2\n",
    use_instead="initContainers:\n  - name: migrate\n    image: migrate:1.2\ncontainers:\n  - name: app\n"
    "    image: web:1.2\n",
)
KINDS = POD_KINDS
# The order in which the API server checks the lists: a duplicate is reported at the later one.
ORDER = ("containers", "initContainers", "ephemeralContainers")


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    template = pod_template(obj, "")
    if template is None:
        return
    first: dict[str, tuple[str, int]] = {}
    for field in ORDER:
        for i, container in enumerate(as_list(template.spec.get(field))):
            if not isinstance(container, dict):
                continue
            name = container.get("name")
            if not isinstance(name, str):
                continue  # missing or wrong type: the schema reports it
            at = template.spec_path + (field, i, "name")
            problems = dns1123_label(name) if name else ["must not be empty"]
            if problems:
                yield Report(
                    at, f'container name "{name}" is not a valid DNS-1123 label: it {"; it ".join(problems)}',
                    _name_help(name),
                )
                continue
            if name not in first:
                first[name] = (field, i)
                continue
            if obj.partial:
                continue  # a patch's containers are merged by name into the base
            other_field, other_i = first[name]
            yield Report(
                at, f'container name "{name}" is used twice: {other_field}[{other_i}] has the same name',
                "container names must be unique across containers, initContainers and ephemeralContainers: "
                "rename one of them",
            )


def _name_help(name: str) -> str:
    fixed = _suggest(name)
    rules = "container names are lowercase letters, digits and '-', starting and ending with a letter or digit"
    return f"did you mean name: {fixed}? ({rules})" if fixed else rules


def _suggest(name: str) -> Optional[str]:
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower())
    text = re.sub(r"-{2,}", "-", text).strip("-")[:DNS1123_LABEL_MAX].strip("-")
    if not text or text == name or dns1123_label(text):
        return None
    return text
