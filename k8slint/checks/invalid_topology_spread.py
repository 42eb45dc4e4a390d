"""KL628: pod topology spread constraints the API server rejects."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.naming import fix_qualified_name, qualified_name
from k8slint.rule import Report, Rule
from k8slint.suggest import closest
from k8slint.workloads import POD_KINDS, as_dict, as_list, is_int, pod_template

RULE = Rule(
    "KL628", "invalid-topology-spread", Severity.ERROR, "api-validation",
    "A topology spread constraint the API server rejects: maxSkew or minDomains below 1, an empty "
    "topologyKey, a repeated topologyKey and whenUnsatisfiable pair, or matchLabelKeys that "
    "clash with the labelSelector.",
    why="The schema checks each field of a topologySpreadConstraint on its own; the API server "
    "checks more, in validateTopologySpreadConstraints (pkg/apis/core/validation/validation.go), "
    "for Pods and for the pod templates of every workload: maxSkew must be greater than 0 "
    "(ValidateMaxSkew); topologyKey must not be empty (ValidateTopologyKey); whenUnsatisfiable "
    "must be DoNotSchedule or ScheduleAnyway (ValidateWhenUnsatisfiable); each {topologyKey, "
    "whenUnsatisfiable} pair may appear once (ValidateSpreadConstraintNotRepeat); minDomains must "
    "be greater than 0 and needs whenUnsatisfiable: DoNotSchedule (validateMinDomains, Kubernetes "
    "1.27 and later, when MinDomainsInPodTopologySpread is on by default; before, the field is "
    "dropped); nodeAffinityPolicy and nodeTaintsPolicy must be Honor or Ignore "
    "(validateNodeInclusionPolicy, 1.26 and later); matchLabelKeys need a labelSelector, must be "
    "label keys, and must not be keys the labelSelector already uses in matchLabels or "
    "matchExpressions (validateMatchLabelKeysInTopologySpread, 1.27 and later; from 1.34 the API "
    "server also merges matchLabelKeys into the labelSelector of each new pod). Invalid values of the enum fields are reported here once, replacing the "
    "schema's finding. The API server does not check the format of topologyKey, but node labels "
    "are always qualified names, so a topologyKey that is not one matches no node: with "
    "DoNotSchedule the pods never schedule, with ScheduleAnyway the constraint does nothing (a "
    "warning). A constraint without a labelSelector is accepted, but it counts no pods, so it "
    "spreads nothing (a warning too). Corresponds to kube-score pod-topology-spread-constraints.",
    example="topologySpreadConstraints:\n  - maxSkew: 0\n    topologyKey: topology.kubernetes.io/zone\n"
    "    whenUnsatisfiable: ScheduleAnyway\n    minDomains: 3\n    labelSelector:\n"
    "      matchLabels: {app: web}\n",
    use_instead="topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n"
    "    whenUnsatisfiable: DoNotSchedule\n    minDomains: 3\n    labelSelector:\n"
    "      matchLabels: {app: web}\n",
)
KINDS = POD_KINDS

ACTIONS = ("DoNotSchedule", "ScheduleAnyway")
POLICIES = ("Honor", "Ignore")
WELL_KNOWN_KEYS = (
    "kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/region",
)
# When each check starts to apply: the release whose API server enables the field by default
# (before it, a disabled field is dropped on create, so nothing is rejected).
SPREAD = (1, 18)  # EvenPodsSpread beta
NODE_POLICIES = (1, 26)  # NodeInclusionPolicyInPodTopologySpread beta
MIN_DOMAINS = (1, 27)  # MinDomainsInPodTopologySpread beta, on by default
MATCH_LABEL_KEYS = (1, 27)  # MatchLabelKeysInPodTopologySpread beta


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    version = ctx.version
    if version < SPREAD:
        return
    template = pod_template(obj, "")
    if template is None:
        return
    constraints = template.spec.get("topologySpreadConstraints")
    if not isinstance(constraints, list):
        return
    base = template.spec_path + ("topologySpreadConstraints",)
    seen: dict[tuple[str, str], int] = {}
    for i, constraint in enumerate(constraints):
        if not isinstance(constraint, dict):
            continue
        at = base + (i,)
        who = f"topologySpreadConstraints[{i}]"
        yield from _max_skew(who, constraint, at)
        keys = constraint.get("matchLabelKeys") if version >= MATCH_LABEL_KEYS else None
        if constraint.get("labelSelector") is None and not keys and not obj.partial:
            # Accepted, but the scheduler counts the pods a nil selector matches: none.
            yield Report(
                at, f"{who} has no labelSelector, so it counts no pods and spreads nothing",
                f"add a labelSelector that selects the pods to spread{_selector_example(template.labels)}",
                key=True, severity=Severity.WARNING,
            )
        yield from _topology_key(who, constraint, at)
        yield from _enum(who, constraint, at, "whenUnsatisfiable", ACTIONS)
        key, action = constraint.get("topologyKey"), constraint.get("whenUnsatisfiable")
        if isinstance(key, str) and isinstance(action, str) and not obj.partial:
            first = seen.setdefault((key, action), i)
            if first != i:
                yield Report(
                    at + ("topologyKey",),
                    f"{who} has the same topologyKey ({key}) and whenUnsatisfiable ({action}) as "
                    f"topologySpreadConstraints[{first}]: the API server accepts each pair only once",
                    "merge the two constraints into one, or change the topologyKey or whenUnsatisfiable of one",
                )
        if version >= MIN_DOMAINS:
            yield from _min_domains(who, constraint, at)
        if version >= NODE_POLICIES:
            for field in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
                yield from _enum(who, constraint, at, field, POLICIES)
        if version >= MATCH_LABEL_KEYS:
            yield from _match_label_keys(who, constraint, at, obj.partial, template.labels)


def _max_skew(who: str, constraint: dict[str, Any], at: tuple) -> Iterator[Report]:
    skew = constraint.get("maxSkew")
    if is_int(skew) and skew <= 0:
        yield Report(
            at + ("maxSkew",), f"{who} has maxSkew: {skew}, but it must be greater than 0",
            "set maxSkew: 1 (the most even spread: domains differ by at most one matching pod)",
        )


def _topology_key(who: str, constraint: dict[str, Any], at: tuple) -> Iterator[Report]:
    key = constraint.get("topologyKey")
    if not isinstance(key, str):
        return  # missing: the schema reports it
    if not key:
        yield Report(
            at + ("topologyKey",), f"{who} has an empty topologyKey, which the API server rejects",
            f"set topologyKey to the node label that defines a domain, such as {_examples()}",
        )
        return
    problems = qualified_name(key)
    if not problems:
        return
    action = constraint.get("whenUnsatisfiable")
    if action == "DoNotSchedule":
        effect = "its pods are never scheduled (DoNotSchedule)"
    elif action == "ScheduleAnyway":
        effect = "the constraint spreads nothing (ScheduleAnyway)"
    else:
        effect = "the constraint cannot work"
    guess = closest(key, WELL_KNOWN_KEYS) or ([fixed] if (fixed := fix_qualified_name(key)) else [])
    help = f"did you mean topologyKey: {guess[0]}?" if guess else (
        f"use a node label key, such as {_examples()}"
    )
    yield Report(
        at + ("topologyKey",),
        f'{who} has topologyKey "{key}", which is not a label key (it {"; it ".join(problems)}): no node has '
        f"such a label, so {effect}",
        help, severity=Severity.WARNING,
    )


def _enum(who: str, constraint: dict[str, Any], at: tuple, field: str, allowed: tuple[str, ...]) -> Iterator[Report]:
    value = constraint.get(field)
    if not isinstance(value, str) or value in allowed:
        return  # missing or not a string: the schema reports it
    guess = closest(value, allowed)
    listed = " or ".join(allowed)
    help = f'did you mean "{guess[0]}"?' if guess else f"use {listed}"
    shown = f'"{value}"' if value else '""'
    yield Report(
        at + (field,), f"{who} has {field}: {shown}, but it must be {listed}", help,
        folds=((at + (field,), "KL012"),),
    )


def _min_domains(who: str, constraint: dict[str, Any], at: tuple) -> Iterator[Report]:
    domains = constraint.get("minDomains")
    if not is_int(domains):
        return
    action = constraint.get("whenUnsatisfiable")
    if action == "ScheduleAnyway":
        yield Report(
            at + ("minDomains",),
            f"{who} sets minDomains, but whenUnsatisfiable is ScheduleAnyway: minDomains only works with "
            "DoNotSchedule",
            "remove minDomains, or set whenUnsatisfiable: DoNotSchedule", key=True,
        )
    elif domains <= 0:
        yield Report(
            at + ("minDomains",), f"{who} has minDomains: {domains}, but it must be greater than 0",
            "set minDomains to the number of domains the pods must spread over, or remove it (1 by default)",
        )


def _match_label_keys(
    who: str, constraint: dict[str, Any], at: tuple, partial: bool, pod_labels: dict[str, str],
) -> Iterator[Report]:
    keys = constraint.get("matchLabelKeys")
    if not isinstance(keys, list) or not keys:
        return
    selector = constraint.get("labelSelector")
    if selector is None:
        if not partial:  # a patch may leave the labelSelector to its base
            yield Report(
                at + ("matchLabelKeys",),
                f"{who} sets matchLabelKeys without a labelSelector, which the API server rejects",
                f"add a labelSelector that selects the pods to spread{_selector_example(pod_labels)}; "
                "matchLabelKeys only narrow it",
                key=True,
            )
    selector = as_dict(selector)
    used: dict[str, str] = {}
    for name in as_dict(selector.get("matchLabels")):
        if isinstance(name, str):
            used.setdefault(name, "matchLabels")
    for expression in as_list(selector.get("matchExpressions")):
        name = as_dict(expression).get("key")
        if isinstance(name, str):
            used.setdefault(name, "matchExpressions")
    for j, key in enumerate(keys):
        if not isinstance(key, str):
            continue
        problems = qualified_name(key)
        if problems:
            fixed = fix_qualified_name(key)
            yield Report(
                at + ("matchLabelKeys", j),
                f'{who} has matchLabelKeys[{j}] "{key}", which is not a label key: it {"; it ".join(problems)}',
                f"did you mean {fixed}?" if fixed else "use the key of a label of the pods, such as pod-template-hash",
            )
        elif key in used:
            yield Report(
                at + ("matchLabelKeys", j),
                f'{who} has "{key}" in matchLabelKeys and in labelSelector.{used[key]}, which the API server rejects',
                f'remove "{key}" from matchLabelKeys: the labelSelector already selects on it',
            )


def _selector_example(labels: dict[str, str]) -> str:
    """' (e.g. labelSelector: {matchLabels: {app: web}})' from the pod template's labels."""
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())[:3])
    return f" (e.g. labelSelector: {{matchLabels: {{{shown}}}}})" if shown else ""


def _examples() -> str:
    return ", ".join(WELL_KNOWN_KEYS[:-1]) + " or " + WELL_KNOWN_KEYS[-1]
