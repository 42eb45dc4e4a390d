"""Property test over real manifests nobody here wrote (../shared/corpus/real): for each
document, inject a mistake that k8slint can fix (several classes, written by this test at the
exact position of a node), run the fixes (safe and unsafe), and require the file to be
byte-identical to the original. Files whose original already has fixable findings are left
out (they would not come back identical, by design) and counted.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from k8slint.fix_command import run_fixes
from k8slint.loader import load_text
from k8slint.run import CheckOptions, run_check
from tests.conftest import CORPUS, needs_shared

REAL = CORPUS / "real"
BOOL_WORDS = {"true", "false", "yes", "no", "on", "off", "y", "n", "True", "False", "Yes", "No", "On", "Off"}
DEPRECATED = {  # (kind, apiVersion it has) → an older apiVersion whose single replacement it is
    ("Deployment", "apps/v1"): "extensions/v1beta1",
    ("DaemonSet", "apps/v1"): "extensions/v1beta1",
    ("StatefulSet", "apps/v1"): "apps/v1beta1",
    ("PodDisruptionBudget", "policy/v1"): "policy/v1beta1",
    ("CronJob", "batch/v1"): "batch/v1beta1",
    ("HorizontalPodAutoscaler", "autoscaling/v2"): "autoscaling/v2beta2",
}
ENUM_FIELDS = {"imagePullPolicy", "protocol"}
KEY_TYPOS = {"imagePullPolicy", "containerPort", "mountPath", "readinessProbe", "livenessProbe", "terminationGracePeriodSeconds"}

COUNTS: Counter = Counter()
SKIPPED: Counter = Counter()


def _swap(word: str) -> Optional[str]:
    """Swap two adjacent letters in the middle (one transposition)."""
    for i in range(len(word) // 2, len(word) - 1):
        if word[i] != word[i + 1] and word[i].isalpha() and word[i + 1].isalpha():
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return None


def _entries(node: Any) -> Iterator[tuple[str, Any, Any]]:
    if node.__class__ is MappingNode:
        for k, v in node.value:
            if k.__class__ is ScalarNode:
                yield k.value, k, v


def _get(node: Any, key: str) -> Any:
    for name, _, v in _entries(node):
        if name == key:
            return v
    return None


def _walk(node: Any, visit: Callable[[Any], None]) -> None:
    visit(node)
    if node.__class__ is MappingNode:
        for _, v in node.value:
            _walk(v, visit)
    elif node.__class__ is SequenceNode:
        for item in node.value:
            _walk(item, visit)


def _plain(node: Any) -> bool:
    return node is not None and node.__class__ is ScalarNode and not node.style and not node.anchor


Edit = tuple[int, int, str]


def _sites(text: str, root: Any) -> dict[str, Edit]:
    """The first place in this document for each class of mistake: (start, end, new text)."""
    found: dict[str, Edit] = {}

    def add(cls: str, node: Any, new: str) -> None:
        if cls not in found:
            found[cls] = (node.start_mark.index, node.end_mark.index, new)

    kind, api = _get(root, "kind"), _get(root, "apiVersion")
    if _plain(kind) and _plain(api) and (kind.value, api.value) in DEPRECATED:
        add("deprecated-api-version", api, DEPRECATED[(kind.value, api.value)])
    spec = _get(root, "spec")
    service_type = _get(spec, "type") if spec is not None and kind is not None and kind.value == "Service" else None
    if _plain(service_type) and _swap(service_type.value):
        add("enum-typo", service_type, _swap(service_type.value))
    selector = _get(_get(spec, "selector"), "matchLabels") if spec is not None else None
    labels = _get(_get(_get(spec, "template"), "metadata"), "labels") if spec is not None else None
    if selector is not None and labels is not None and kind is not None and kind.value in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"):
        for key, _, value in _entries(selector):
            target = _get(labels, key)
            if _plain(value) and _plain(target) and target.value == value.value and value.value:
                add("selector-label-mismatch", target, value.value + "x")

    def visit(node: Any) -> None:
        containers = _get(node, "containers")
        if containers is None or containers.__class__ is not SequenceNode:
            return
        policy = _get(node, "restartPolicy")
        if _plain(policy) and _swap(policy.value):
            add("restart-policy-typo", policy, _swap(policy.value))
        volumes = {(_get(v, "name").value) for v in (_get(node, "volumes").value if _get(node, "volumes") is not None and _get(node, "volumes").__class__ is SequenceNode else []) if _plain(_get(v, "name"))}
        for container in containers.value:
            image = _get(container, "image")
            if _plain(image) and image.value.endswith(":latest"):
                add("image-tag-typo", image, image.value[: -len("latest")] + "lastest")
            for name, knode, value in _entries(container):
                if name in ENUM_FIELDS and _plain(value) and _swap(value.value):
                    add("enum-typo", value, _swap(value.value))
                if name in KEY_TYPOS and _plain(knode) and _swap(name):
                    add("unknown-field", knode, _swap(name))
            for port in (_get(container, "ports").value if _get(container, "ports") is not None and _get(container, "ports").__class__ is SequenceNode else []):
                for name, knode, value in _entries(port):
                    if name == "protocol" and _plain(value) and _swap(value.value):
                        add("enum-typo", value, _swap(value.value))
                    if name == "containerPort" and _plain(knode):
                        add("unknown-field", knode, _swap(name))
            env = _get(container, "env")
            for item in (env.value if env is not None and env.__class__ is SequenceNode else []):
                if item.__class__ is not MappingNode or item.flow_style or len(item.value) != 2:
                    continue
                (k1, v1), (k2, v2) = item.value
                if k1.value != "name" or k2.value not in ("value", "valueFrom"):
                    continue
                if k2.start_mark.column == k1.start_mark.column and k2.start_mark.line == k1.start_mark.line + 1 \
                        and text[k1.start_mark.index - 2:k1.start_mark.index] == "- " \
                        and text[k2.start_mark.index - 2:k2.start_mark.index] == "  ":
                    found.setdefault("env-split-item", (k2.start_mark.index - 2, k2.start_mark.index, "- "))
                if k2.value == "value" and v2.__class__ is ScalarNode and v2.style == '"' and v2.value in BOOL_WORDS:
                    add("unquoted-boolean", v2, v2.value)
            for mount in (_get(container, "volumeMounts").value if _get(container, "volumeMounts") is not None and _get(container, "volumeMounts").__class__ is SequenceNode else []):
                name = _get(mount, "name")
                if _plain(name) and name.value in volumes and _swap(name.value):
                    typo = _swap(name.value)
                    if typo not in volumes:
                        add("volume-mount-typo", name, typo)

    if spec is not None:
        _walk(spec, visit)
    return found


def _fix(path: Path) -> tuple[Any, Any]:
    options = CheckOptions(paths=[str(path)], use_config=False)

    def check(overlay):
        options.overlay = overlay
        return run_check(options)

    return run_fixes(check, unsafe=True)


def _cases() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


@needs_shared
@pytest.mark.parametrize("source", _cases(), ids=lambda p: str(p.relative_to(REAL)))
def test_injected_mistakes_are_fixed_back_to_the_original(source, tmp_path):
    raw = source.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    loaded = load_text(text)
    if loaded.issues or "{{" in text or text.encode("utf-8") != raw:
        SKIPPED["unreadable or template"] += 1
        return
    work = tmp_path / source.name
    work.write_bytes(raw)
    _, outcome = _fix(work)
    if outcome.changed:  # the original has fixable findings of its own
        SKIPPED["original has fixes"] += 1
        return
    failures = []
    for doc in loaded.documents:
        if doc.data is None:
            continue
        for cls, (start, end, new) in _sites(text, doc.root).items():
            mutated = text[:start] + new + text[end:]
            work.write_bytes(mutated.encode("utf-8"))
            _, outcome = _fix(work)
            (entry,) = outcome.changed or (None,)
            got = entry.text if entry is not None else mutated
            if got != text:
                failures.append(f"{cls} at offset {start}: {text[start:end]!r} → {new!r}")
            else:
                COUNTS[cls] += 1
    assert not failures, failures


@needs_shared
def test_every_class_was_tried_many_times():
    print(f"\nfix property test: {sum(COUNTS.values())} cases in {len(COUNTS)} classes: {dict(COUNTS)}; "
          f"files left out: {dict(SKIPPED)}")
    assert len(COUNTS) >= 9 and sum(COUNTS.values()) >= 500, COUNTS
    assert all(n >= 3 for n in COUNTS.values()), COUNTS  # few real images use :latest
