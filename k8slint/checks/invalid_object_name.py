"""KL601: an object name (or generateName, namespace, pod hostname) the API server rejects."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Optional

from k8slint import naming
from k8slint.builtin import api_group, is_builtin
from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.rule import Report, Rule
from k8slint.workloads import CLUSTER_SCOPED, as_dict, pod_template

RULE = Rule(
    "KL601", "invalid-object-name", Severity.ERROR, "api-validation",
    "An object name, generateName, namespace or pod hostname that the API server rejects for its kind.",
    why="The OpenAPI schema accepts any string as a name, but the API server checks each kind's "
    "name with its own rule (pkg/apis/*/validation, ValidateObjectMeta with a ValidateNameFunc "
    "from k8s.io/apimachinery/pkg/api/validation): most kinds need a DNS-1123 subdomain "
    "(lowercase letters, digits, '-' and '.', at most 253 characters; NameIsDNSSubdomain); "
    "Namespaces and, since Kubernetes 1.27, StatefulSets a DNS-1123 label (no '.', at most 63; "
    "ValidateNamespaceName, ValidateStatefulSetName); Services a DNS-1035 label, which must also "
    "start with a letter (ValidateServiceName; from 1.36 a DNS-1123 label, RelaxedServiceNameValidation); "
    "Roles, ClusterRoles and their bindings only a path segment (no '/' or '%', not '.' or '..'; "
    "rbac validation's minimalNameRequirements). metadata.namespace must be a DNS-1123 label "
    "(ValidateObjectMetaAccessor), generateName must be a valid prefix (the trailing '-' is "
    "allowed). Some kinds add limits: a CronJob name is at most 52 characters (ValidateCronJob: "
    "its Jobs are named <name>-<11 characters>), a Job name at most 63 (it becomes the job-name "
    "label of the pod template), a CustomResourceDefinition is named <spec.names.plural>.<spec.group>, "
    "PriorityClass names starting with 'system-' are reserved, and a pod's hostname, subdomain and a "
    "StatefulSet's serviceName are DNS-1123 labels (ValidatePodSpec). A StatefulSet name over 52 "
    "characters is accepted, but its pods never start: their controller-revision-hash label, "
    "<name>-<hash>, exceeds 63 characters (kubernetes/kubernetes#64023); that case is a warning. "
    "Custom resources (no bundled schema) are not checked.",
    example="kind: Service\nmetadata:\n  name: Web_API\n---\nkind: CronJob\nmetadata:\n"
    "  name: nightly-report-generator-for-the-finance-department-eu\n",
    use_instead="kind: Service\nmetadata:\n  name: web-api\n---\nkind: CronJob\nmetadata:\n"
    "  name: nightly-finance-report-eu\n",
)


def path_segment(value: str) -> list[str]:
    """path.IsValidPathSegmentName: the names of RBAC objects (and the floor for every object)."""
    if value in (".", ".."):
        return [f"must not be '{value}'"]
    return [f"must not contain '{c}'" for c in ("/", "%") if c in value]


class NameRule(NamedTuple):
    describe: str  # "DNS-1123 subdomain"
    check: Callable[[str], list[str]]
    max_length: Optional[int]
    charset: str  # characters a corrected name may keep besides [a-z0-9-]: "." or ""


SUBDOMAIN = NameRule("DNS-1123 subdomain", naming.dns1123_subdomain, naming.DNS1123_SUBDOMAIN_MAX, ".")
LABEL = NameRule("DNS-1123 label", naming.dns1123_label, naming.DNS1123_LABEL_MAX, "")
DNS1035 = NameRule("DNS-1035 label", naming.dns1035_label, naming.DNS1123_LABEL_MAX, "")
PATH_SEGMENT = NameRule("path segment", path_segment, None, "")

_CORE = ("",)
_APPS = ("apps", "extensions")
# (kind) → (groups, rule); a kind in another group (a custom resource of the same kind name) is
# not checked. Each entry is the ValidateNameFunc its validation passes to ValidateObjectMeta.
NAME_RULES: dict[str, tuple[tuple[str, ...], NameRule]] = {
    "Namespace": (_CORE, LABEL),  # ValidateNamespaceName = NameIsDNSLabel
    "Service": (_CORE, DNS1035),  # ValidateServiceName = NameIsDNS1035Label (see _service_rule)
    "StatefulSet": (("apps",), LABEL),  # ValidateStatefulSetName = NameIsDNSLabel (1.27+)
    "Role": (("rbac.authorization.k8s.io",), PATH_SEGMENT),
    "ClusterRole": (("rbac.authorization.k8s.io",), PATH_SEGMENT),
    "RoleBinding": (("rbac.authorization.k8s.io",), PATH_SEGMENT),
    "ClusterRoleBinding": (("rbac.authorization.k8s.io",), PATH_SEGMENT),
    "Pod": (_CORE, SUBDOMAIN), "PodTemplate": (_CORE, SUBDOMAIN),
    "ReplicationController": (_CORE, SUBDOMAIN), "ConfigMap": (_CORE, SUBDOMAIN),
    "Secret": (_CORE, SUBDOMAIN), "ServiceAccount": (_CORE, SUBDOMAIN),
    "Endpoints": (_CORE, SUBDOMAIN), "LimitRange": (_CORE, SUBDOMAIN),
    "ResourceQuota": (_CORE, SUBDOMAIN), "PersistentVolume": (_CORE, SUBDOMAIN),
    "PersistentVolumeClaim": (_CORE, SUBDOMAIN), "Node": (_CORE, SUBDOMAIN),
    "Deployment": (_APPS, SUBDOMAIN), "DaemonSet": (_APPS, SUBDOMAIN), "ReplicaSet": (_APPS, SUBDOMAIN),
    "ControllerRevision": (("apps",), SUBDOMAIN),
    "Job": (("batch",), SUBDOMAIN), "CronJob": (("batch",), SUBDOMAIN),
    "HorizontalPodAutoscaler": (("autoscaling",), SUBDOMAIN),
    "Ingress": (("networking.k8s.io", "extensions"), SUBDOMAIN),
    "IngressClass": (("networking.k8s.io",), SUBDOMAIN),
    "NetworkPolicy": (("networking.k8s.io", "extensions"), SUBDOMAIN),
    "StorageClass": (("storage.k8s.io",), SUBDOMAIN),
    "PriorityClass": (("scheduling.k8s.io",), SUBDOMAIN),
    "RuntimeClass": (("node.k8s.io",), SUBDOMAIN),
    "Lease": (("coordination.k8s.io",), SUBDOMAIN),
    "EndpointSlice": (("discovery.k8s.io",), SUBDOMAIN),
    "MutatingWebhookConfiguration": (("admissionregistration.k8s.io",), SUBDOMAIN),
    "ValidatingWebhookConfiguration": (("admissionregistration.k8s.io",), SUBDOMAIN),
    "CustomResourceDefinition": (("apiextensions.k8s.io",), SUBDOMAIN),
}
WHY_KIND = {
    "Namespace": "namespace names become part of DNS names, as in <service>.<namespace>.svc",
    "Service": "Service names become DNS names, as in <service>.<namespace>.svc",
    "StatefulSet": "the hostname of each pod is <name>-<ordinal>, a DNS label",
}
SYSTEM_PRIORITY_CLASSES = {"system-cluster-critical": 2000000000, "system-node-critical": 2000001000}
CRONJOB_NAME_MAX = 52  # DNS1035LabelMaxLength - 11
STATEFULSET_NAME_SAFE = 52  # 63 - len("-") - 10 (the revision hash)
KINDS = None  # every kind: metadata.namespace is checked for all built-in namespaced kinds


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    if not is_builtin(obj) or obj.partial:
        return
    kind = obj.kind
    meta = obj.metadata
    entry = NAME_RULES.get(kind)
    rule = entry[1] if entry and api_group(obj) in entry[0] else None
    if kind == "Service" and rule is not None:
        rule = _service_rule(ctx)
    name, generate = meta.get("name"), meta.get("generateName")
    if rule is not None:
        if isinstance(generate, str) and generate:
            yield from _check_name(obj, kind, generate, rule, ("metadata", "generateName"), prefix=True)
        if isinstance(name, str) and name:
            for report in _check_name(obj, kind, name, rule, ("metadata", "name"), prefix=False):
                if kind == "StatefulSet" and ctx.version < (1, 27) and not naming.dns1123_subdomain(name):
                    # ValidateStatefulSetName was NameIsDNSSubdomain before 1.27 (kubernetes#114172)
                    report = report._replace(
                        message=report.message + " (this version accepts it, but no pod can be created: "
                        "the hostname of each pod is <name>-<ordinal>)",
                        severity=Severity.WARNING,
                    )
                yield report
            yield from _kind_limits(obj, kind, name)
        elif name in (None, "") and generate in (None, ""):
            yield Report(
                ("metadata", "name") if "name" in meta else ("metadata",),
                f"{kind} has no name: the API server requires metadata.name (or metadata.generateName)",
                "add metadata.name", key="name" not in meta and "metadata" in obj.data,
            )
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace and kind not in CLUSTER_SCOPED:
        problems = naming.dns1123_label(namespace)
        if problems:
            fixed = _fix(namespace, LABEL)
            yield Report(
                ("metadata", "namespace"),
                f'namespace "{namespace}" of {kind} {obj.name or "<unnamed>"} is not a valid DNS-1123 label: '
                + "; ".join(problems),
                f'use "{fixed}"' if fixed else "namespace names are lowercase letters, digits and '-'",
            )
    yield from _pod_names(obj)


def _service_rule(ctx: Any) -> NameRule:
    if ctx.version >= (1, 36):
        return LABEL  # RelaxedServiceNameValidation: beta (on by default) in 1.36, GA in 1.37
    return DNS1035


def _check_name(obj: Any, kind: str, name: str, rule: NameRule, path: tuple, prefix: bool) -> Iterator[Report]:
    if prefix:
        problems = _check_prefix(name, rule)
    else:
        problems = rule.check(name)
    if not problems:
        return
    field = "generateName" if prefix else "name"
    message = f'{kind} {field} "{name}" is not a valid {"prefix for a " if prefix else ""}{rule.describe}: ' + "; ".join(problems)
    fixed = _fix(name, rule, prefix)
    why = WHY_KIND.get(kind)
    if fixed:
        help = f'rename it to "{fixed}"' + (f"; {why}" if why else "")
    elif rule is DNS1035 and name[:1].isdigit():
        help = "Service names must start with a letter before Kubernetes 1.36: add a prefix such as \"svc-\""
    else:
        help = f"{kind} names must be a {rule.describe}" + (f"; {why}" if why else "")
    yield Report(path, message, help)


def _check_prefix(name: str, rule: NameRule) -> list[str]:
    """ValidateNameFunc(prefix=true): a trailing '-' is allowed, it is followed by 5 characters."""
    if rule is PATH_SEGMENT:
        return [f"must not contain '{c}'" for c in ("/", "%") if c in name]
    if name.endswith("-"):
        if len(name) < 2:
            return ["must start with a letter or digit"]
        name = name[:-2] + "a"  # maskTrailingDash, quirk included: it replaces the last two characters
    return rule.check(name)


def _fix(name: str, rule: NameRule, prefix: bool = False) -> Optional[str]:
    """A corrected name when the fix is obvious (case, '_' and spaces, stray characters, length)."""
    if rule is PATH_SEGMENT:
        fixed = name.replace("/", "-").replace("%", "-")
        return fixed if fixed not in (".", "..") and fixed != name else None
    allowed = "abcdefghijklmnopqrstuvwxyz0123456789-" + rule.charset
    lowered = name.strip().lower()
    fixed = "".join(c if c in allowed else "-" for c in lowered)
    parts = [p.strip("-") for p in fixed.split(".")] if rule.charset else [fixed.strip("-")]
    fixed = ".".join(p for p in parts if p)
    if rule.max_length and len(fixed) > rule.max_length:
        fixed = naming.shorten(fixed, rule.max_length).rstrip("-.")
    if prefix and name[-1:] and not name[-1].isalnum():
        fixed += "-"  # generateName: the random suffix follows the separator
        problems = _check_prefix(fixed, rule)
    else:
        problems = rule.check(fixed) if fixed else ["empty"]
    return fixed if fixed != name and not problems else None


def _kind_limits(obj: Any, kind: str, name: str) -> Iterator[Report]:
    spec = as_dict(obj.data.get("spec"))
    path = ("metadata", "name")
    if kind == "CronJob" and len(name) > CRONJOB_NAME_MAX:
        yield Report(
            path,
            f'CronJob name "{name}" is {len(name)} characters; the API server allows at most '
            f"{CRONJOB_NAME_MAX}, because the Jobs it creates are named <name>-<timestamp> and must fit in 63",
            f"shorten it by {len(name) - CRONJOB_NAME_MAX} characters",
        )
    elif kind == "Job" and len(name) > naming.LABEL_VALUE_MAX and spec.get("manualSelector") is not True:
        yield Report(
            path,
            f'Job name "{name}" is {len(name)} characters; the API server copies it into the job-name '
            f"label of the pod template, and label values are at most {naming.LABEL_VALUE_MAX} characters",
            f"shorten it by {len(name) - naming.LABEL_VALUE_MAX} characters",
        )
    elif kind == "StatefulSet" and STATEFULSET_NAME_SAFE < len(name) <= naming.DNS1123_LABEL_MAX:
        yield Report(
            path,
            f'StatefulSet name "{name}" is {len(name)} characters: the API server accepts it, but its pods '
            "would get the label controller-revision-hash: <name>-<10-character hash>, over the 63 characters "
            "of a label value, so the StatefulSet controller cannot create them",
            f"shorten it to at most {STATEFULSET_NAME_SAFE} characters (kubernetes/kubernetes#64023)",
            severity=Severity.WARNING,
        )
    elif kind == "PriorityClass" and name.startswith("system-"):
        expected = SYSTEM_PRIORITY_CLASSES.get(name)
        value = obj.data.get("value")
        if expected is None:
            yield Report(
                path,
                f'PriorityClass name "{name}" starts with "system-", which is reserved for the built-in '
                "classes system-cluster-critical and system-node-critical",
                f'rename it, e.g. "{name[len("system-"):] or "custom"}"',
            )
        elif (isinstance(value, int) and not isinstance(value, bool) and value != expected) or obj.data.get("globalDefault") is True:
            yield Report(
                path,
                f'PriorityClass "{name}" redefines a built-in system class: the API server accepts it only '
                f"with value {expected} and globalDefault false",
                "give your own class a name that does not start with \"system-\"",
            )
    elif kind == "CustomResourceDefinition":
        plural = as_dict(spec.get("names")).get("plural")
        group = spec.get("group")
        if isinstance(plural, str) and isinstance(group, str) and plural and group and name != f"{plural}.{group}":
            yield Report(
                path,
                f'CustomResourceDefinition name "{name}" must be spec.names.plural + "." + spec.group',
                f'rename it to "{plural}.{group}", or fix spec.group or spec.names.plural if they are the mistake',
            )


def _pod_names(obj: Any) -> Iterator[Report]:
    """A pod's hostname and subdomain, and a StatefulSet's serviceName (its pods' subdomain)."""
    template = pod_template(obj, "")
    if template is None:
        return
    for field in ("hostname", "subdomain"):
        value = template.spec.get(field)
        if isinstance(value, str) and value:
            problems = naming.dns1123_label(value)
            if problems:
                fixed = _fix(value, LABEL)
                yield Report(
                    template.spec_path + (field,),
                    f'pod {field} "{value}" is not a valid DNS-1123 label: ' + "; ".join(problems),
                    f'use "{fixed}"' if fixed else f"the {field} is one DNS label: no '.', at most 63 characters",
                )
    if obj.kind == "StatefulSet":
        service = as_dict(obj.data.get("spec")).get("serviceName")
        if isinstance(service, str) and service:
            problems = naming.dns1123_label(service)
            if problems:
                fixed = _fix(service, LABEL)
                yield Report(
                    ("spec", "serviceName"),
                    f'serviceName "{service}" is not a valid DNS-1123 label (it becomes the subdomain of '
                    "every pod): " + "; ".join(problems),
                    f'use "{fixed}"' if fixed else "name the headless Service with a DNS label",
                )
