"""KL705: a pod spec that sets serviceAccount, the deprecated alias of serviceAccountName."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS, pod_template

RULE = Rule(
    "KL705", "deprecated-serviceaccount-field", Severity.WARNING, "references",
    "A pod spec sets `serviceAccount`, the deprecated alias of `serviceAccountName` (an error when "
    "the two disagree).",
    why="`serviceAccount` is a deprecated alias kept for the v1 API (\"DeprecatedServiceAccount: "
    "Use serviceAccountName instead\"). The API server's conversion "
    "(pkg/apis/core/v1/conversion.go, Convert_v1_PodSpec_To_core_PodSpec) uses it only when "
    "serviceAccountName is empty: when both are set, serviceAccountName wins and serviceAccount "
    "is silently overwritten with it. Both set to different names is therefore an error: the "
    "pods do not run as the ServiceAccount that serviceAccount names. kube-linter: "
    "deprecated-service-account-field.",
    example="spec:\n  template:\n    spec:\n      serviceAccount: web\n",
    use_instead="spec:\n  template:\n    spec:\n      serviceAccountName: web\n",
)
KINDS = POD_KINDS


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    template = pod_template(obj, ctx.namespace(obj) or ctx.default_namespace)
    if template is None:
        return
    spec = template.spec
    alias, name = spec.get("serviceAccount"), spec.get("serviceAccountName")
    if not isinstance(alias, str) or not alias:
        return
    at = template.spec_path + ("serviceAccount",)
    who = template.describe()
    if not isinstance(name, str) or not name:
        yield Report(
            at, f"{who} sets serviceAccount, the deprecated alias of serviceAccountName", key=True,
            help=f"rename serviceAccount to serviceAccountName: {alias}",
        )
    elif name == alias:
        yield Report(
            at, f"{who} sets serviceAccount, the deprecated alias of serviceAccountName", key=True,
            help=f'remove serviceAccount: serviceAccountName already names "{name}"',
        )
    else:
        yield Report(
            at,
            f'{who} sets serviceAccount "{alias}" and serviceAccountName "{name}": the API server uses '
            f'serviceAccountName, so the pods run as "{name}", not "{alias}"',
            "remove serviceAccount, and set serviceAccountName to the ServiceAccount the pods should run as",
            severity=Severity.ERROR,
        )
