"""KL402: a PersistentVolumeClaim pre-bound (volumeName) to a PersistentVolume it cannot bind to."""
from __future__ import annotations

from typing import Any, Iterator, Optional

from k8slint.findings import Severity
from k8slint.rule import Report, Rule
from k8slint.workloads import as_dict, as_list

RULE = Rule(
    "KL402", "pvc-pv-mismatch", Severity.ERROR, "storage",
    "A PersistentVolumeClaim's volumeName names a PersistentVolume that cannot satisfy it.",
    why="A claim with `spec.volumeName` binds only to that PersistentVolume, and only when the "
    "volume satisfies it: the same storageClassName (checked when the claim sets one, since a "
    "claim without one may get the cluster's default class; \"\" is an explicit \"no class\", and "
    "so is a volume without storageClassName), at least the requested storage (compared exactly: "
    "1Gi is more than 1000Mi), every requested access mode, the same volumeMode (Filesystem when "
    "unset), and no claimRef reserving the volume for another claim (its name and namespace must "
    "both match). Otherwise the claim stays Pending and its pods never start, while kubectl apply "
    "succeeds. Each mismatch is reported at the claim's field.",
    example="kind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  volumeName: host-pv\n"
    "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 2Gi\n---\n"
    "kind: PersistentVolume\nmetadata:\n  name: host-pv\nspec:\n  accessModes: [ReadWriteOnce]\n"
    "  capacity:\n    storage: 1Gi\n",
    use_instead="kind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  volumeName: host-pv\n"
    "  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n",
)
# The kind it reports on: without a checked PersistentVolumeClaim, the rule is not even imported.
KINDS = ("PersistentVolumeClaim",)
# It reads no label, only the specs (and storage class annotation) of a claim and of its volume: a
# warm run whose edits changed only labels keeps its findings (see k8slint.run_snapshot).
READS_LABELS = False
# It reads neither ports nor replicas (facts a warm run keeps apart, see
# k8slint.run_snapshot.PARTS): an edit of only those does not run it again.
READS_FACTS: frozenset[str] = frozenset()
CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"  # the field's predecessor, still honoured


def check_index(index: Any, ctx: Any) -> Iterator[Report]:
    for claim in index.checked("PersistentVolumeClaim"):
        spec = as_dict(claim.data.get("spec"))
        name = spec.get("volumeName")
        if not isinstance(name, str) or not name:
            continue
        volumes = index.get("PersistentVolume", None, name)
        if not volumes:
            continue  # KL401
        volume = volumes[0]
        pv_spec = as_dict(volume.data.get("spec"))
        who = f'PersistentVolumeClaim {index.namespace(claim)}/{claim.name or "<unnamed>"}'
        pv = f"PersistentVolume {name}"
        for path, message, help in _mismatches(claim, spec, volume, pv_spec, who, pv, index):
            yield Report(path, message, help, obj=claim)


def _mismatches(
    claim: Any, spec: dict, volume: Any, pv_spec: dict, who: str, pv: str, index: Any,
) -> Iterator[tuple[tuple, str, str]]:
    # storageClassName: a claim without one may get the cluster's default class, so it is
    # compared only when the claim sets it ("" is an explicit "no class"); a volume without
    # one has no class, exactly like "".
    claim_class, claim_path = _storage_class(claim, spec)
    pv_class, _ = _storage_class(volume, pv_spec)
    if pv_class is None and "storageClassName" not in pv_spec:
        pv_class = ""
    if claim_class is not None and pv_class is not None and claim_class != pv_class:
        yield (
            claim_path,
            f"{who} asks for storageClassName {_show_class(claim_class)} but {pv} has "
            f"{_show_class(pv_class)}",
            f"set storageClassName: {_yaml_class(pv_class)} on the claim, or change the class of {pv}",
        )

    # Requested storage against the volume's capacity, exactly.
    requested = as_dict(as_dict(spec.get("resources")).get("requests")).get("storage")
    offered = as_dict(pv_spec.get("capacity")).get("storage")
    from k8slint.quantity import parse_nanos  # imported only when a claim is pre-bound

    want, have = parse_nanos(requested), parse_nanos(offered)
    if want is not None and have is not None and want > have:
        shown_want, shown_have = str(requested), str(offered)
        if _suffix(shown_want) != _suffix(shown_have):
            shown_want += f" ({_bytes(want)})"
            shown_have += f" ({_bytes(have)})"
        yield (
            ("spec", "resources", "requests", "storage"),
            f"{who} requests {shown_want} but {pv} offers only {shown_have}",
            f"request at most {offered} in the claim, or give {pv} a capacity of at least {requested}",
        )

    # Every requested access mode must be offered by the volume.
    offered_modes = [m for m in as_list(pv_spec.get("accessModes")) if isinstance(m, str)]
    for i, mode in enumerate(as_list(spec.get("accessModes"))):
        if isinstance(mode, str) and offered_modes and mode not in offered_modes:
            yield (
                ("spec", "accessModes", i),
                f"{who} asks for access mode {mode} but {pv} offers only {', '.join(offered_modes)}",
                f"ask for {' or '.join(offered_modes)} in the claim, or add {mode} to the accessModes "
                f"of {pv} if its storage supports it",
            )

    # volumeMode: both default to Filesystem.
    claim_mode, pv_mode = spec.get("volumeMode"), pv_spec.get("volumeMode")
    if isinstance(claim_mode, (str, type(None))) and isinstance(pv_mode, (str, type(None))):
        if (claim_mode or "Filesystem") != (pv_mode or "Filesystem"):
            yield (
                ("spec", "volumeMode"),
                f"{who} has volumeMode {_show_mode(claim_mode)} but {pv} has {_show_mode(pv_mode)}",
                f"set volumeMode: {pv_mode or 'Filesystem'} on the claim, or change the volumeMode of {pv}",
            )

    # claimRef reserves the volume for one claim: name and namespace must both match.
    ref = pv_spec.get("claimRef")
    if isinstance(ref, dict) and (ref.get("name") or ref.get("namespace")):
        ref_name, ref_namespace = ref.get("name") or "", ref.get("namespace") or ""
        namespace = index.namespace(claim)
        if ref_name != (claim.name or "") or ref_namespace != namespace:
            if ref_name == claim.name and not ref_namespace:
                message = (
                    f"{pv} is reserved by a claimRef to {ref_name} without a namespace, which never "
                    f"matches {who} (the binder compares namespaces exactly)"
                )
                help = f"add namespace: {namespace} to the claimRef of {pv}"
            else:
                message = (
                    f"{pv} is reserved for claim {ref_namespace or '<no namespace>'}/{ref_name or '<no name>'} "
                    f"by its claimRef, not for {who}"
                )
                help = (
                    f"point volumeName at another PersistentVolume, or change the claimRef of {pv} to "
                    f"name: {claim.name}, namespace: {namespace}"
                )
            yield ("spec", "volumeName"), message, help


def _storage_class(obj: Any, spec: dict) -> tuple[Optional[str], tuple]:
    value = spec.get("storageClassName")
    if isinstance(value, str):
        return value, ("spec", "storageClassName")
    annotation = as_dict(obj.metadata.get("annotations")).get(CLASS_ANNOTATION)
    if value is None and isinstance(annotation, str):
        return annotation, ("metadata", "annotations", CLASS_ANNOTATION)
    return None, ("spec", "storageClassName")


def _show_class(value: str) -> str:
    return f'"{value}"' if value else '"" (no class)'


def _yaml_class(value: str) -> str:
    return value if value else '""'


def _show_mode(value: Optional[str]) -> str:
    return value if value else "Filesystem (the default)"


def _suffix(text: str) -> str:
    return text.lstrip("+-0123456789.")


def _bytes(nanos: int) -> str:
    from k8slint.quantity import NANOS_PER_UNIT

    whole, rest = divmod(nanos, NANOS_PER_UNIT)
    if rest == 0:
        return f"{whole} bytes"
    return f"{nanos / NANOS_PER_UNIT:.6g} bytes"  # int / int is correctly rounded: the float of the exact amount
