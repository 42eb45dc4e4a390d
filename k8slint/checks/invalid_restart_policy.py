"""KL624: a pod template whose restartPolicy its workload kind does not accept."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.fix_specs import SAFE, set_value
from k8slint.rule import Report, Rule
from k8slint.suggest import closest
from k8slint.workloads import pod_template

RULE = Rule(
    "KL624", "invalid-restart-policy", Severity.ERROR, "api-validation",
    "A pod template's restartPolicy that its workload does not accept: anything but Always for "
    "Deployments, ReplicaSets, StatefulSets, DaemonSets and ReplicationControllers; Always or "
    "nothing for Jobs and CronJobs.",
    why="Every restartPolicy (Always, OnFailure, Never) is valid in the schema, and a bare Pod "
    "may use any of them, but the workload controllers accept only some. Controllers that keep "
    "pods running need Always: the API server's ValidatePodTemplateSpecForReplicaSet, "
    "ValidateStatefulSetSpec and ValidateDaemonSetSpec (pkg/apis/apps/validation) and "
    "ValidatePodTemplateSpecForRC (pkg/apis/core/validation) reject anything else "
    "(\"Unsupported value: supported values: Always\"). A Job's pods must end, so validateJobSpec "
    "(pkg/apis/batch/validation) requires OnFailure or Never, written out: an unset "
    "restartPolicy defaults to Always, which it rejects (\"restartPolicy: Required value: valid "
    "values: OnFailure, Never\"); with a podFailurePolicy only Never is accepted. The same holds "
    "for a CronJob's job template. kube-linter's restart-policy check is a policy, not this: it "
    "also flags valid Never on Pods and Jobs and accepts OnFailure on Deployments, which the API "
    "server rejects.",
    example="kind: Job\nspec:\n  template:\n    spec:\n      containers: [...]\n",
    use_instead="kind: Job\nspec:\n  template:\n    spec:\n      restartPolicy: OnFailure\n"
    "      containers: [...]\n",
    # Only a misspelt policy (`Allways`, `never`) whose one near policy the kind accepts; a valid
    # policy the kind rejects, or a missing one, needs a person to choose.
    fixable="sometimes",
)
ALWAYS_ONLY = frozenset({"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"})
RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})
KINDS = ALWAYS_ONLY | RUN_TO_COMPLETION
POLICIES = ("Always", "OnFailure", "Never")


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    template = pod_template(obj, "")
    if template is None:
        return
    kind = obj.kind
    who = f"{kind} {ctx.namespace(obj)}/{obj.name or '<unnamed>'}"
    at = template.spec_path + ("restartPolicy",)
    value = template.spec.get("restartPolicy")
    if value is not None and not isinstance(value, str):
        return  # wrong type: the schema reports it
    allowed = ("Always",) if kind in ALWAYS_ONLY else ("OnFailure", "Never")
    folds = ((at, "KL012"),)
    if value is None:
        if kind in RUN_TO_COMPLETION and not obj.partial and _template_present(obj, template):
            yield Report(
                template.spec_path,
                f"{who} does not set restartPolicy: a {kind}'s pods must set OnFailure or Never (unset, it "
                "defaults to Always, which the API server rejects for a Job)",
                "add restartPolicy: OnFailure (retry in the same pod) or Never (a new pod for each retry)",
                key=True,
            )
        return
    if value in allowed:
        job_spec = _job_spec(obj)
        if value == "OnFailure" and isinstance(job_spec, dict) and job_spec.get("podFailurePolicy") is not None:
            yield Report(
                at, f"{who} has restartPolicy: OnFailure, but a Job with a podFailurePolicy accepts only Never",
                "set restartPolicy: Never (the podFailurePolicy decides about retries), or remove podFailurePolicy",
                folds=folds,
            )
        return
    if kind in ALWAYS_ONLY:
        message = f"{who} has restartPolicy: {value}, but a {kind}'s pods must use Always"
        if value in POLICIES:
            help = (
                "remove restartPolicy (it defaults to Always); to run pods to completion, use a Job or CronJob "
                "instead"
            )
        else:
            help = _did_you_mean(value, allowed) or "remove restartPolicy: it defaults to Always"
    else:
        message = f"{who} has restartPolicy: {value}, but a {kind}'s pods must use OnFailure or Never"
        if value == "Always":
            help = (
                "set restartPolicy: OnFailure (retry in the same pod) or Never (a new pod for each retry); "
                "to keep pods running, use a Deployment instead"
            )
        else:
            help = _did_you_mean(value, allowed) or "set restartPolicy: OnFailure or Never"
    accepted = allowed
    job_spec = _job_spec(obj) if kind in RUN_TO_COMPLETION else None
    if isinstance(job_spec, dict) and job_spec.get("podFailurePolicy") is not None:
        accepted = ("Never",)  # a typo of OnFailure would only trade this finding for another
    yield Report(at, message, help, folds=folds, fix=_typo_fix(at, value, accepted))


def _typo_fix(at: tuple, value: str, accepted: tuple[str, ...]) -> Any:
    """Safe: the value is a misspelling of exactly one policy (within two edits, or the same
    word in another case), and the object accepts that policy. Not for a valid policy the kind
    rejects (Never on a Deployment), nor for a typo of one (nevr): what was meant is unclear."""
    if value in POLICIES:
        return None
    near = closest(value, POLICIES, limit=2)
    if len(near) != 1 or near[0] not in accepted:
        return None
    return set_value(at, near[0], f'replace "{value}" with "{near[0]}"', SAFE)


def _did_you_mean(value: str, allowed: tuple[str, ...]) -> str | None:
    near = closest(value, allowed)
    return "did you mean " + " or ".join(f"restartPolicy: {n}" for n in near) + "?" if near else None


def _template_present(obj: Any, template: Any) -> bool:
    """Whether the pod template has a spec at all (a missing one is the schema's finding)."""
    from k8slint.workloads import get_path

    return isinstance(get_path(obj.data, template.path), dict) and bool(template.spec)


def _job_spec(obj: Any) -> Any:
    spec = obj.data.get("spec")
    if obj.kind == "CronJob" and isinstance(spec, dict):
        job_template = spec.get("jobTemplate")
        spec = job_template.get("spec") if isinstance(job_template, dict) else None
    return spec
