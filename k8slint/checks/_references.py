"""What the pods of checked objects refer to by name, and how to help when it is missing.

Shared by the "references" rules (KL701-KL707). A module whose name starts with an underscore
is not a rule: the registry skips it.

A pod refers to ConfigMaps and Secrets from env (valueFrom.configMapKeyRef/secretKeyRef),
envFrom (configMapRef/secretRef), volumes (configMap, secret), projected volume sources
(configMap, secret) and imagePullSecrets. ``checked_uses`` lists them once per pod template with
the path of each name and key, so that each rule only decides what is wrong.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.named_tuple import NamedTuple
from k8slint.naming import dns1123_subdomain
from k8slint.suggest import did_you_mean
from k8slint.workloads import CONTAINER_LISTS, PodTemplate, as_dict, as_list

# A key of a ConfigMap or Secret (validation: IsConfigMapKey); others are placeholders or
# errors reported elsewhere, and are not looked up.
_KEY = r"[-._a-zA-Z0-9]+\Z"  # compiled on first use (re caches it)

# ConfigMaps that the control plane publishes in every namespace: the cluster's CA bundle
# (root-ca-cert-publisher, Kubernetes 1.20+), read by projected service account token volumes;
# and OpenShift's service CA bundle.
BUILT_IN = frozenset({("ConfigMap", "kube-root-ca.crt"), ("ConfigMap", "openshift-service-ca.crt")})

# Keys the token controller adds to a Secret of this type (pkg/controller/serviceaccount).
TOKEN_SECRET_KEYS = frozenset({"token", "ca.crt", "namespace"})


class Use(NamedTuple):
    """One reference from a pod to a ConfigMap or Secret."""

    kind: str  # ConfigMap | Secret
    name: str
    name_path: tuple  # path of the name inside the object
    optional: bool  # optional: true (the pod starts without it)
    subject: str  # 'container "app" of Deployment default/web'
    verb: str  # 'reads env var "X" from'
    keys: tuple  # ((key, path of the key), ...) the use reads; () for the whole object
    source: str  # env | envFrom | volume | imagePullSecrets

    def describe(self) -> str:
        """'container "app" of Deployment default/web reads env var "X" from ConfigMap "cfg"'."""
        return f'{self.subject} {self.verb} {self.kind} "{self.name}"'


def valid_name(name: Any) -> bool:
    """A name that can be looked up: a DNS subdomain (not a placeholder such as ${NAME})."""
    return isinstance(name, str) and bool(name) and not dns1123_subdomain(name)


def valid_key(key: Any) -> bool:
    return isinstance(key, str) and bool(re.match(_KEY, key))


def checked_uses(index: Any) -> Iterator[tuple[Any, Optional[str], list[Use]]]:
    """(object, namespace, uses) for every checked object whose pod template uses a ConfigMap or
    Secret. The uses of each template are found once a run (KL701, KL702 and KL703 ask), kept in
    one dictionary rather than a memo key each: the three rules pass thousands of pods."""
    found = index.memo("object-uses", dict)  # id(pod template) → its uses
    for obj, namespace, template in index.checked_templates():
        uses = found.get(id(template))
        if uses is None:
            uses = found[id(template)] = _uses(template)
        if uses:
            yield obj, namespace, uses


# (field, kind) of the references an env var's valueFrom, an envFrom item and a projected
# volume source hold.
_KEY_REFS = (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret"))
_ENV_FROM_REFS = (("configMapRef", "ConfigMap"), ("secretRef", "Secret"))
_PROJECTED = (("configMap", "ConfigMap"), ("secret", "Secret"))


def _uses(template: PodTemplate) -> list[Use]:
    # Most pods refer to nothing, and on thousands of pods each mapping read counts: the walk
    # asks only for the fields that hold references, and builds the strings and paths that
    # describe a use only for the few found.
    out: list[Use] = []
    spec = template.spec
    for field in CONTAINER_LISTS:
        items = spec.get(field)
        if isinstance(items, list):
            for i, container in enumerate(items):
                if isinstance(container, dict) and (container.get("env") or container.get("envFrom")):
                    _container_uses(template, container, (field, i), out)
    volumes = spec.get("volumes")
    if volumes:
        _volume_uses(template, volumes, out)
    pull_secrets = spec.get("imagePullSecrets")
    if pull_secrets:
        for i, ref in enumerate(as_list(pull_secrets)):
            name = as_dict(ref).get("name")
            if valid_name(name):
                out.append(Use("Secret", name, template.spec_path + ("imagePullSecrets", i, "name"), False,
                               template.describe(), "pulls its images with", (), "imagePullSecrets"))
    return out


def _container_uses(template: PodTemplate, container: dict[str, Any], at: tuple, out: list[Use]) -> None:
    path = template.spec_path + at
    subject = ""  # 'container "app" of Deployment default/web', once a reference is found
    for i, item in enumerate(as_list(container.get("env"))):
        value_from = item.get("valueFrom") if isinstance(item, dict) else None
        if not isinstance(value_from, dict):
            continue
        for field, kind in _KEY_REFS:
            ref = value_from.get(field)
            if not isinstance(ref, dict) or not valid_name(ref.get("name")):
                continue
            subject = subject or _subject("container", container, at, template)
            var = f'env var "{item["name"]}"' if isinstance(item.get("name"), str) else f"env[{i}]"
            where = path + ("env", i, "valueFrom", field)
            key = ref.get("key")
            keys = ((key, where + ("key",)),) if valid_key(key) else ()
            out.append(Use(kind, ref["name"], where + ("name",), ref.get("optional") is True, subject,
                           f"reads {var} from", keys, "env"))
    for i, item in enumerate(as_list(container.get("envFrom"))):
        if not isinstance(item, dict):
            continue
        for field, kind in _ENV_FROM_REFS:
            ref = item.get(field)
            if not isinstance(ref, dict) or not valid_name(ref.get("name")):
                continue
            subject = subject or _subject("container", container, at, template)
            out.append(Use(kind, ref["name"], path + ("envFrom", i, field, "name"), ref.get("optional") is True,
                           subject, "imports env vars from", (), "envFrom"))


def _volume_uses(template: PodTemplate, volumes: Any, out: list[Use]) -> None:
    for i, volume in enumerate(as_list(volumes)):
        if not isinstance(volume, dict):
            continue
        config_map, secret, projected = volume.get("configMap"), volume.get("secret"), volume.get("projected")
        if config_map is None and secret is None and projected is None:
            continue  # most volumes: an emptyDir, a claim, a host path
        at = template.spec_path + ("volumes", i)
        subject = _subject("volume", volume, at[-2:], template)
        if isinstance(config_map, dict) and valid_name(config_map.get("name")):
            out.append(_volume_use("ConfigMap", config_map, "name", at + ("configMap",), subject, "mounts"))
        if isinstance(secret, dict) and valid_name(secret.get("secretName")):
            out.append(_volume_use("Secret", secret, "secretName", at + ("secret",), subject, "mounts"))
        for j, item in enumerate(as_list(as_dict(projected).get("sources"))):
            item = as_dict(item)
            for field, kind in _PROJECTED:
                source = item.get(field)
                if isinstance(source, dict) and valid_name(source.get("name")):
                    where = at + ("projected", "sources", j, field)
                    out.append(_volume_use(kind, source, "name", where, subject, "projects"))


def _subject(what: str, item: dict[str, Any], at: tuple, template: PodTemplate) -> str:
    """'container "app" of Deployment default/web', or 'volumes[2] of ...' when it has no name."""
    name = item.get("name")
    return (f'{what} "{name}"' if isinstance(name, str) else f"{at[-2]}[{at[-1]}]") + f" of {template.describe()}"


def _volume_use(kind: str, source: dict[str, Any], name_field: str, at: tuple, subject: str, verb: str) -> Use:
    keys = tuple(
        (item["key"], at + ("items", j, "key"))
        for j, item in enumerate(as_list(source.get("items")))
        if isinstance(item, dict) and valid_key(item.get("key"))
    )
    return Use(kind, source[name_field], at + (name_field,), source.get("optional") is True, subject, verb,
               keys, "volume")


# -- a missing object ----------------------------------------------------------------------------
def missing_severity(ctx: Any) -> Optional[Severity]:
    """--complete / assume-complete: the files hold every object, so a missing one is an error."""
    return Severity.ERROR if getattr(ctx, "assume_complete", False) else None


def not_found(namespace: Optional[str], ctx: Any) -> str:
    """The end of a message about a missing object."""
    where = f"namespace {namespace}" if namespace is not None else "the cluster"
    if getattr(ctx, "assume_complete", False):
        return f"which is not defined in {where}" if namespace is not None else "which is not defined"
    if namespace is None:
        return "which is not in the checked files (it may exist in the cluster)"
    return f"which is not in the checked files of {where} (it may exist in the cluster)"


def missing_help(
    index: Any, ctx: Any, kind: str, name: str, namespace: Optional[str], *,
    extra: tuple[str, ...] = (), otherwise: str = "",
) -> str:
    """Did-you-mean among the objects of that kind in the namespace (and ``extra`` names), else
    where an object of that name is, else how to tell k8slint where it is defined. (Memoised per
    run: copies of a workload miss the same object, and each did-you-mean compares many names.)"""
    complete = getattr(ctx, "assume_complete", False)
    return index.memo(
        ("missing-help", kind, name, namespace, extra, otherwise, complete),
        lambda: _missing_help(index, complete, kind, name, namespace, extra, otherwise),
    )


def _missing_help(
    index: Any, complete: bool, kind: str, name: str, namespace: Optional[str], extra: tuple[str, ...],
    otherwise: str,
) -> str:
    hint = did_you_mean(name, [*index.names(kind, namespace), *extra])
    if hint is not None:
        return hint
    if namespace is not None:
        elsewhere = [ns for ns in index.namespaces_of(kind, name) if ns is not None and ns != namespace]
        if elsewhere:
            where = ("namespace " if len(elsewhere) == 1 else "namespaces ") + ", ".join(elsewhere)
            return (
                f'{kind} "{name}" is in {where}, but pods can only use {kind}s of their own namespace: '
                f"define it in namespace {namespace} too, or move the workload"
            )
    place = f" in namespace {namespace}" if namespace is not None else ""
    define = f'define {kind} "{name}"{place}'
    if otherwise:
        define += f", {otherwise}"
    if complete:
        return define
    return f"if it is defined elsewhere, add that file or folder with --context; otherwise {define}"


# -- the keys of a defined object ----------------------------------------------------------------
class Keys(NamedTuple):
    env: frozenset  # keys an env var can read (a ConfigMap's data; a Secret's data and stringData)
    binary: frozenset  # a ConfigMap's binaryData: volumes can read them, env vars cannot


def defined_keys(obj: Any) -> Optional[Keys]:
    """The keys a ConfigMap or Secret defines, or None when they are not known: a field of the
    wrong type, or no keys at all (a placeholder that a controller or a person fills in)."""
    data = obj.data
    if obj.kind == "ConfigMap":
        fields = ("data",)
        binary_field: Optional[str] = "binaryData"
    else:
        fields = ("data", "stringData")
        binary_field = None
    keys: set[str] = set()
    for field in fields:
        value = data.get(field)
        if value is None:
            continue
        if not isinstance(value, dict):
            return None
        keys.update(k for k in value if isinstance(k, str))
    binary: set[str] = set()
    if binary_field is not None:
        value = data.get(binary_field)
        if value is not None and not isinstance(value, dict):
            return None
        binary.update(k for k in as_dict(value) if isinstance(k, str))
    if obj.kind == "Secret" and data.get("type") == "kubernetes.io/service-account-token":
        keys |= TOKEN_SECRET_KEYS
    if not keys and not binary:
        return None
    return Keys(frozenset(keys), frozenset(binary))


def generated(index: Any, obj: Any) -> frozenset:
    """(kind, name) of the ConfigMaps and Secrets that kustomize generators (configMapGenerator,
    secretGenerator) make for the object's folder, when the index knows them: kustomize rewrites
    the references to the generated names, so such a reference is not missing. An index without
    ``generated_objects`` knows none."""
    lookup = getattr(index, "generated_objects", None)
    return lookup(obj) if callable(lookup) else frozenset()


def produced_secrets(index: Any, namespace: Optional[str]) -> frozenset:
    """("Secret", name) of the Secrets that controllers make from objects of the namespace in the
    index: cert-manager Certificates (spec.secretName), External Secrets (spec.target.name, else
    the ExternalSecret's name) and Sealed Secrets (the SealedSecret's name)."""
    return index.memo(("produced-secrets", namespace), lambda: frozenset(
        ("Secret", name) for obj in index.of_kind("Certificate", "ExternalSecret", "SealedSecret")
        if index.namespace(obj) == namespace for name in (_produced_secret(obj),) if valid_name(name)
    ))


def _produced_secret(obj: Any) -> Any:
    api_version = obj.api_version if isinstance(obj.api_version, str) else ""
    spec = as_dict(obj.data.get("spec"))
    if obj.kind == "Certificate" and api_version.startswith("cert-manager.io/"):
        return spec.get("secretName")
    if obj.kind == "ExternalSecret" and api_version.startswith("external-secrets.io/"):
        return as_dict(spec.get("target")).get("name") or obj.name
    if obj.kind == "SealedSecret" and api_version.startswith("bitnami.com/"):
        return obj.name
    return None


# -- KL701/KL702: ConfigMaps and Secrets that are not defined ------------------------------------
_OPTIONAL_HINT = "or set optional: true if the pod can run without it"


def missing_object_reports(index: Any, ctx: Any, kind: str) -> Any:
    """Reports for the non-optional uses of ConfigMaps (or Secrets) not in the pod's namespace."""
    from k8slint.rule import Report

    for obj, namespace, uses in checked_uses(index):
        made = None  # what generators and controllers make: asked once a use is not defined
        for use in uses:
            if use.kind != kind or use.optional or (kind, use.name) in BUILT_IN or index.get(kind, namespace, use.name):
                continue
            if made is None:
                made = generated(index, obj) | (produced_secrets(index, namespace) if kind == "Secret" else frozenset())
            if (kind, use.name) in made:
                continue
            if index.may_miss(obj):
                break  # it may be in a document beside it that could not be read
            pull = use.source == "imagePullSecrets"
            # The kubelet pulls without a missing pull secret (public images still work), so
            # that one stays a warning even when every object is known.
            severity = None if pull else missing_severity(ctx)
            yield Report(
                use.name_path, f"{use.describe()}, {not_found(namespace, ctx)}",
                missing_help(index, ctx, kind, use.name, namespace, otherwise="" if pull else _OPTIONAL_HINT),
                severity=severity, obj=obj,
            )
