"""KL308: a StatefulSet whose serviceName names no headless Service in its namespace."""
from __future__ import annotations

import os
from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.suggest import did_you_mean
from k8slint.selectors import map_matches
from k8slint.workloads import as_dict, pod_template, runs_many

RULE = Rule(
    "KL308", "statefulset-service-missing", Severity.ERROR, "references",
    "A StatefulSet's serviceName names no Service in its namespace, or one that is not headless.",
    why="The governing Service of a StatefulSet (spec.serviceName) gives each pod its stable "
    "DNS name, web-0.web.default.svc. It must exist in the StatefulSet's namespace and be "
    "headless (clusterIP: None); otherwise the pods run but the per-pod names never resolve, "
    "and peers that find each other by those names (databases, queues) fail to form a "
    "cluster. A Service that is not headless is a warning for a single replica, which rarely "
    "needs its own name. Services in other files count when they are checked too or given "
    "with --context.",
    example="kind: StatefulSet\nmetadata:\n  name: db\nspec:\n  serviceName: db\n---\nkind: Service\n"
    "metadata:\n  name: db\nspec:\n  ports:\n    - port: 5432\n",
    use_instead="kind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n  ports:\n"
    "    - port: 5432\n",
)
# The kind it reports on: without a checked StatefulSet, the rule is not even imported.
KINDS = ("StatefulSet",)
# It reads labels only through the selectors of headless Services, matched against the StatefulSet's
# pod labels: a warm run whose edits changed only labels that no selector names keeps its findings
# (see k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# Of the facts a warm run keeps apart (see k8slint.run_snapshot.PARTS), it reads replicas, not
# ports: an edit of only ports does not run it again.
READS_FACTS = frozenset({"replicas"})


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for sts in index.checked("StatefulSet"):
        name = as_dict(sts.data.get("spec")).get("serviceName")
        if not isinstance(name, str) or not name:
            continue
        namespace = index.namespace(sts)
        who = f"StatefulSet {namespace}/{sts.name or '<unnamed>'}"
        services = index.get("Service", namespace, name)
        if not services:
            if index.may_miss(sts):
                continue
            yield Report(
                ("spec", "serviceName"),
                f"{who} has serviceName \"{name}\", but no Service {name} is in namespace {namespace}",
                _missing_help(index, sts, name, namespace), obj=sts,
            )
            continue
        if any(_is_headless(s) for s in services):
            continue
        service = _nearest(sts, services)
        cluster_ip = as_dict(service.data.get("spec")).get("clusterIP")
        shown = f"clusterIP: {cluster_ip}" if cluster_ip is not None else "clusterIP not set"
        yield Report(
            ("spec", "serviceName"),
            f"{who} has serviceName \"{name}\", but Service {namespace}/{name} is not headless ({shown}), "
            f"so pod names like {sts.name or '<unnamed>'}-0.{name} do not resolve",
            f"set clusterIP: None on Service {namespace}/{name} (in {service.file}), or point serviceName at "
            "a headless Service beside it",
            # Replicas find each other by those names; a single replica rarely needs them.
            severity=None if runs_many(sts) else Severity.WARNING,
            obj=sts,
        )


def _missing_help(index: Any, sts: Any, name: str, namespace: str) -> str:
    hint = did_you_mean(name, index.names("Service", namespace))
    if hint:
        return hint
    template = pod_template(sts, namespace)
    labels = template.labels if template is not None else {}
    headless = sorted({
        s.name for n in index.names("Service", namespace) for s in index.get("Service", namespace, n)
        if _is_headless(s) and _selects(s, labels)
    })
    if headless:
        return f'did you mean "{headless[0]}" (a headless Service that selects these pods)?'
    return (
        f"create a headless Service (clusterIP: None) named {name} that selects the StatefulSet's pods, "
        "or, if it is defined elsewhere, add that file or folder with --context"
    )


def _is_headless(service: Any) -> bool:
    return as_dict(service.data.get("spec")).get("clusterIP") == "None"


def _selects(service: Any, labels: dict[str, str]) -> bool:
    selector = as_dict(service.data.get("spec")).get("selector")
    return isinstance(selector, dict) and bool(selector) and map_matches(selector, labels)


def _nearest(obj: Any, candidates: list[Any]) -> Any:
    """The candidate defined closest to ``obj``: same file, then same folder, then the first."""
    folder = os.path.dirname(obj.file)
    return min(candidates, key=lambda c: (c.file != obj.file, os.path.dirname(c.file) != folder))
