"""KL101: one env var written as two list items (`- name: X` then `- value: Y`)."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.fix_specs import merge_item
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, as_list, pod_containers

RULE = Rule(
    "KL101", "env-split-item", Severity.ERROR, "env",
    "An env var written as two list items: one with only `name`, the next with only `value`.",
    why="A `-` too many turns `name` and `value` into two list items. The API server rejects "
    "the second item (it has no name); where it is accepted by a lax tool, the variable is "
    "empty. Schema validators only say \"env[1] has no name\"; this names the real mistake.",
    example="env:\n  - name: AUTH_ADDRESS\n  - value: auth-service.default:80\n",
    use_instead="env:\n  - name: AUTH_ADDRESS\n    value: auth-service.default:80\n",
    fixable="sometimes",  # block-style lists written "- key"; a flow list is left to a person
)
KINDS = POD_KINDS
VALUE_KEYS = frozenset({"value", "valueFrom"})


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    for path, container in pod_containers(obj):
        env = as_list(container.get("env"))
        for i in range(1, len(env)):
            prev, item = env[i - 1], env[i]
            if not (isinstance(prev, dict) and isinstance(item, dict)):
                continue
            if set(prev) != {"name"} or not item or "name" in item or not set(item) <= VALUE_KEYS:
                continue
            key = "value" if "value" in item else "valueFrom"
            item_path = path + ("env", i)
            yield Report(
                item_path,
                f'env var "{prev["name"]}" is split across two list items: env[{i - 1}] has only "name" '
                f'and env[{i}] only "{key}"',
                f'remove the "-" before "{key}" and indent it like "name", so that both belong to one item',
                folds=((item_path, "KL013"), (path + ("env", i - 1), "KL102")),
                fix=merge_item(item_path, f'join env[{i}] ("{key}") to env[{i - 1}] ("name")'),
            )
