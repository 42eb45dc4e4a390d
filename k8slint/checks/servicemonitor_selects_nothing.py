"""KL312: a Prometheus-operator ServiceMonitor (or PodMonitor) that scrapes nothing: its
selector matches no Service (pod template) in the namespaces it looks in, or an endpoint names
a port that none of them declares."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.rule import Report, Rule
from k8slint.selectors import (
    closest_match, describe_selector, is_empty_selector, label_selector_matches, mismatch_path, selector_help,
    usable_selector,
)
from k8slint.suggest import did_you_mean
from k8slint.workloads import as_dict, as_list, containers, string_labels

RULE = Rule(
    "KL312", "servicemonitor-selects-nothing", Severity.WARNING, "selectors",
    "A ServiceMonitor or PodMonitor scrapes nothing: its selector matches no Service (pod) in the "
    "namespaces it looks in, or an endpoint names a port they do not have.",
    why="The Prometheus operator turns a ServiceMonitor into scrape targets: the Services that "
    "spec.selector matches in the namespaces of spec.namespaceSelector (its own namespace when "
    "unset, every namespace with any: true), and on them the Service ports that "
    "spec.endpoints[].port names. A PodMonitor does the same with pods and their container port "
    "names (podMetricsEndpoints[].port). With a wrong label, a missing namespace or a misspelt "
    "port name nothing is scraped, the metrics and alerts built on them stay empty, and "
    "nothing reports an error. Objects in other files count when they are checked too or given "
    "with --context; the API server's Service default/kubernetes is always there. Counterpart "
    "of kube-linter's dangling-servicemonitor.",
    example="kind: ServiceMonitor\nspec:\n  selector:\n    matchLabels: {app: web}\n  endpoints:\n"
    "    - port: metrics\n---\nkind: Service\nmetadata:\n  labels: {app: web}\nspec:\n  ports:\n"
    "    - name: http-metrics\n      port: 9090\n",
    use_instead="kind: ServiceMonitor\nspec:\n  selector:\n    matchLabels: {app: web}\n  endpoints:\n"
    "    - port: http-metrics\n",
)

# API groups of the Prometheus operator's monitors (Azure's managed Prometheus uses its own).
GROUPS = frozenset({"monitoring.coreos.com", "azmonitoring.coreos.com"})


class Target(NamedTuple):
    """A Service (or pod template) a monitor may select: its labels, and the spec that has its
    port names (read when a monitor selects it: most are never asked)."""

    labels: dict[str, str]
    namespace: Optional[str]
    kind: str  # 'Service', or the kind of the pod template's object
    name: Optional[str]
    spec: dict[str, Any]  # the Service's spec, or the pod template's
    selects: dict[str, str] = {}  # a Service's spec.selector (the labels of its pods)
    obj: Any = None  # the Service or the pod template's object (None for API_SERVER)

    def describe(self) -> str:
        """'Service default/web'."""
        return f"{self.kind} {self.namespace}/{self.name or '<unnamed>'}"

    def ports(self) -> frozenset[str]:
        """The names of the Service's ports, or of the pod template's container ports."""
        if self.kind == "Service":
            items = as_list(self.spec.get("ports"))
        else:
            items = [p for _, container in containers(self.spec) for p in as_list(container.get("ports"))]
        return frozenset(p["name"] for p in items if isinstance(p, dict) and isinstance(p.get("name"), str))


# The Service every cluster has (the API server's), which manifests never define.
API_SERVER = Target({"component": "apiserver", "provider": "kubernetes"}, "default", "Service", "kubernetes",
                    {"ports": [{"name": "https"}]})


class Kind(NamedTuple):
    targets: str  # 'Services'
    noun: str  # 'Service' (for did-you-mean)
    endpoints: str  # the list of endpoints
    port_owner: str  # what declares the port names


KINDS = {
    "ServiceMonitor": Kind("Services", "Service", "endpoints", "Service port"),
    "PodMonitor": Kind("pods", "pod template", "podMetricsEndpoints", "container port"),
}
# It reads labels only through the monitor's selector, matched against Service and pod template
# labels, and the did-you-mean of k8slint.selectors: a warm run whose edits changed only labels that
# no selector names keeps its findings (see k8slint.run_snapshot.labels_unseen).
READS_LABELS = "selectors"
# Of the facts a warm run keeps apart (see k8slint.run_snapshot.PARTS), it reads ports, not
# replicas: an edit of only replicas does not run it again.
READS_FACTS = frozenset({"ports"})


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for monitor in index.checked(*KINDS):
        api_version = monitor.api_version
        if not (isinstance(api_version, str) and api_version.partition("/")[0] in GROUPS):
            continue
        if index.may_miss(monitor):
            continue  # what it selects may be in a document that could not be read
        spec = as_dict(monitor.data.get("spec"))
        selector = spec.get("selector", {})
        if selector is None:
            selector = {}
        if not usable_selector(selector):
            continue  # the schema check reports it
        kind = KINDS[monitor.kind]
        namespace = index.namespace(monitor)
        namespaces = _namespaces(spec, namespace)
        everywhere = _matching(index, monitor.kind, selector, "labels")
        matched = [t for t in everywhere if _in(t, namespaces)]
        who = f"{monitor.kind} {namespace}/{monitor.name or '<unnamed>'}"
        if not matched:
            yield _selects_nothing(index, ctx, monitor, spec, selector, namespaces, everywhere, kind, who)
            continue
        names = sorted(set().union(*(t.ports() for t in matched)))
        for i, endpoint in enumerate(as_list(spec.get(kind.endpoints))):
            port = as_dict(endpoint).get("port")
            if not isinstance(port, str) or not port or port in names:
                continue
            declared = (
                f"they name theirs {', '.join(names)}" if names else f"they declare no named {kind.port_owner}"
            )
            yield Report(
                ("spec", kind.endpoints, i, "port"),
                f'{who} scrapes port "{port}", but none of the {kind.targets} it selects has a '
                f"{kind.port_owner} of that name ({declared})",
                _port_help(port, names, matched, kind), obj=monitor,
            )


def _namespaces(spec: dict[str, Any], own: Optional[str]) -> Optional[list[str]]:
    """The namespaces a monitor looks in; None for every namespace."""
    selector = as_dict(spec.get("namespaceSelector"))
    if selector.get("any") is True:
        return None
    names = [n for n in as_list(selector.get("matchNames")) if isinstance(n, str)]
    return names or ([own] if own is not None else [])


def _targets(index: Any, kind: str, namespaces: Optional[list[str]]) -> list[Target]:
    if kind == "PodMonitor":
        where = index.template_namespaces() if namespaces is None else namespaces
        return [_pod_target(t) for ns in where for t in index.templates(ns)]
    by_namespace = index.memo("KL312 services", lambda: _services(index))
    if namespaces is None:
        return [t for found in by_namespace.values() for t in found]
    return [t for ns in namespaces for t in by_namespace.get(ns, ())]


def _in(target: Target, namespaces: Optional[list[str]]) -> bool:
    return namespaces is None or target.namespace in namespaces


def _matching(index: Any, kind: str, selector: dict[str, Any], attr: str) -> list[Target]:
    """The targets of every namespace whose labels (attr "labels") or, for Services, pod selector
    ("selects") the selector matches, in index order. Only the targets that have the selector's
    first matchLabels pair are tested, so many monitors over many Services stay cheap."""
    pairs = [(k, v) for k, v in as_dict(selector.get("matchLabels")).items() if isinstance(v, str)]
    if pairs:
        by_pair = index.memo(("KL312 by label", kind, attr), lambda: _by_pair(index, kind, attr))
        candidates = by_pair.get(pairs[0], [])
    else:
        candidates = _targets(index, kind, None)
    return [t for t in candidates if label_selector_matches(selector, getattr(t, attr))]


def _by_pair(index: Any, kind: str, attr: str) -> dict[tuple[str, str], list[Target]]:
    out: dict[tuple[str, str], list[Target]] = {}
    for target in _targets(index, kind, None):
        for pair in getattr(target, attr).items():
            out.setdefault(pair, []).append(target)
    return out


def _services(index: Any) -> dict[Optional[str], list[Target]]:
    out: dict[Optional[str], list[Target]] = {}
    for service in index.of_kind("Service"):
        namespace = index.namespace(service)
        spec = as_dict(service.data.get("spec"))
        labels = string_labels(service.metadata.get("labels"))
        out.setdefault(namespace, []).append(
            Target(labels, namespace, "Service", service.name, spec, string_labels(spec.get("selector")), service)
        )
    if not index.get("Service", "default", "kubernetes"):
        out.setdefault("default", []).append(API_SERVER)
    return out


def _pod_target(template: Any) -> Target:
    return Target(template.labels, template.namespace, template.obj.kind, template.obj.name, template.spec, {}, template.obj)


def _selects_nothing(
    index: Any, ctx: Any, monitor: Any, spec: dict[str, Any], selector: dict[str, Any],
    namespaces: Optional[list[str]], everywhere: list[Target], kind: Kind, who: str,
) -> Report:
    """``everywhere``: the targets of any namespace that the selector matches."""
    if namespaces is None:
        where = "any namespace"
    else:
        where = ("namespace " if len(namespaces) == 1 else "namespaces ") + ", ".join(namespaces)
    if is_empty_selector(selector):
        if namespaces is None:
            message = f"{who} selects all {kind.targets} of every namespace, but there are none"
        else:
            message = f"{who} selects all {kind.targets} of {where}, but {where} has none"
        if namespaces and as_list(as_dict(spec.get("namespaceSelector")).get("matchNames")):
            at: tuple = _match_names_path(namespaces)
        else:
            at = ("spec", "selector")
        return Report(at, message, _missing_help(ctx, kind, where), obj=monitor)
    message = (
        f"{who} selects {kind.targets} {describe_selector(selector)} in {where}, but none there has "
        "those labels"
    )
    help, at, key = _help(index, ctx, monitor, spec, selector, namespaces, everywhere, kind, where)
    return Report(at, message, help, key=key, obj=monitor)


def _help(
    index: Any, ctx: Any, monitor: Any, spec: dict[str, Any], selector: dict[str, Any],
    namespaces: Optional[list[str]], everywhere: list[Target], kind: Kind, where: str,
) -> tuple[str, tuple, bool]:
    """The help line for a selector that matches nothing, and where to point: at the label that
    the closest candidate lacks or has another value for, at matchNames when the namespace is
    wrong, else at the selector."""
    at: tuple = ("spec", "selector")
    if monitor.kind == "ServiceMonitor":
        # A common slip: the Service selects pods with these labels but does not carry them.
        unlabelled = [
            t for t in _matching(index, monitor.kind, selector, "selects")
            if t.selects and not label_selector_matches(selector, t.labels)
        ]
        if unlabelled:
            found = min(unlabelled, key=lambda t: namespaces is not None and t.namespace not in namespaces)
            moved = ""
            if namespaces is not None and found.namespace not in namespaces:
                moved = (
                    f"; it is in namespace {found.namespace}: move it to {where}, or add {found.namespace} "
                    "to spec.namespaceSelector.matchNames"
                )
            return (
                f"{found.describe()} selects pods with those labels but does not carry them itself, and a "
                f"ServiceMonitor matches a Service's own labels: add them to its metadata.labels{moved}"
            ), at, False
    if namespaces is not None:
        elsewhere = [t for t in everywhere if t.namespace not in namespaces]
        if elsewhere:
            other = elsewhere[0].namespace
            if as_list(as_dict(spec.get("namespaceSelector")).get("matchNames")):
                fix = f"add {other} to spec.namespaceSelector.matchNames"
                at = _match_names_path(namespaces)
            else:
                fix = (
                    f"a {monitor.kind} looks only in its own namespace unless told otherwise: add "
                    f"namespaceSelector: {{matchNames: [{other}]}}"
                )
            return f"{elsewhere[0].describe()} has those labels: {fix}", at, False
    # The API server's Service is not a did-you-mean for a selector written for something else.
    candidates = [t for t in _targets(index, monitor.kind, namespaces) if t is not API_SERVER]
    if candidates:
        inside, key = mismatch_path(selector, closest_match(selector, candidates).labels)
        return selector_help(selector, candidates, where, kind.noun), at + inside, key
    return _missing_help(ctx, kind, where), at, False


def _match_names_path(namespaces: list[str]) -> tuple:
    """spec.namespaceSelector.matchNames, or its one item."""
    return ("spec", "namespaceSelector", "matchNames") + ((0,) if len(namespaces) == 1 else ())


def _missing_help(ctx: Any, kind: Kind, where: str) -> str:
    if getattr(ctx, "assume_complete", False):
        return f"no {kind.noun} is defined in {where}: fix the selector or the namespaceSelector"
    return (
        f"no {kind.noun} of {where} is in the checked files; if it is defined elsewhere, add that "
        "file or folder with --context"
    )


def _port_help(port: str, names: list[str], matched: list[Target], kind: Kind) -> str:
    hint = did_you_mean(port, names)
    if hint is not None:
        return hint
    if not names:
        return (
            f"{kind.endpoints}[].port is the name of a {kind.port_owner}, not its number: name the port in "
            f"{matched[0].describe()} (e.g. name: {port}) and use that name here"
        )
    return f"use the name of a {kind.port_owner} of the {kind.targets} it selects: {', '.join(names)}"
