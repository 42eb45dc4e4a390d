"""k8slint.index: lookups answered once a run stay exact."""
from __future__ import annotations

from k8slint.index import Index
from k8slint.loader import load_text
from k8slint.objects import identify

PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: web, tier: "1"}}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {app: web, tier: "true"}}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: other, labels: {app: web}}
"""


def _index() -> Index:
    objects = []
    for doc in load_text(PODS).documents:
        objects.extend(identify(doc, "pods.yaml", 0).objects)
    return Index(objects)


def test_select_labels_is_memoised_per_selector_and_namespace():
    index = _index()
    selectors = [
        {"matchLabels": {"app": "web"}},
        {"matchLabels": {"tier": "1"}}, {"matchLabels": {"tier": 1}},  # equal keys in Python, not in YAML
        {"matchLabels": {"tier": "true"}}, {"matchLabels": {"tier": True}},
        {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["1", "true"]}]},
        {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["1"]}]},
        {}, None,
    ]
    for namespace in ("default", "other", "none"):
        for selector in selectors * 2:  # the second time from the memo
            found = index.select_labels(namespace, selector)
            assert found == index._select_labels(namespace, selector), (namespace, selector)
            found.clear()  # a caller that changes the list does not change the memo
    assert [t.obj.name for t in index.select_labels("default", {"matchLabels": {"app": "web"}})] == ["a", "b"]
    assert index.select_labels("default", {"matchLabels": {"tier": 1}}) == []


def test_select_is_memoised_per_selector_and_namespace():
    index = _index()
    selectors = [
        {"app": "web"}, {"tier": "1"}, {"tier": 1}, {"tier": "true"}, {"tier": True},
        {"app": "web", "tier": "1"}, {}, {"app": "none"},
    ]
    for namespace in ("default", "other", "none"):
        for selector in selectors * 2:  # the second time from the memo
            found = index.select(namespace, selector)
            assert found == index._select(namespace, selector), (namespace, selector)
            found.clear()  # a caller that changes the list does not change the memo
    assert [t.obj.name for t in index.select("default", {"app": "web"})] == ["a", "b"]
    assert [t.obj.name for t in index.select("default", {"tier": "1"})] == ["a"]
    assert index.select("default", {"tier": 1}) == [] and index.select("default", {"tier": True}) == []


def test_index_rules_report_only_on_the_kinds_they_declare(monkeypatch):
    """An index rule with KINDS is skipped (not even imported) when no checked object is of those
    kinds: exact only if it never reports on another kind. Checked on the fixtures (every rule
    fires there) and the corpora, with the skipping turned off; and the skipping changes
    nothing in the report of the fixtures."""
    from k8slint.engine import Engine
    from k8slint.registry import load_registry
    from k8slint.run import CheckOptions, run_check
    from tests.conftest import CORPUS, FIXTURES

    paths = [str(FIXTURES)] + [str(p) for p in (CORPUS / "real", CORPUS / "peers") if p.is_dir()]
    declared = {code: impl.kinds for code, impl in load_registry().impls.items() if impl.has_check_index}
    assert sum(kinds is not None for kinds in declared.values()) >= 19
    skipping = run_check(CheckOptions(paths=paths, select=sorted(declared), use_config=False))

    seen: dict[str, set] = {}
    real_to_finding = Engine.to_finding

    def recording(self, impl, obj, report, node=None, span=None):
        seen.setdefault(impl.rule.code, set()).add(obj.kind)
        return real_to_finding(self, impl, obj, report, node, span)

    monkeypatch.setattr(Engine, "active_index_rules", lambda self, index: list(self.index_rules))
    monkeypatch.setattr(Engine, "to_finding", recording)
    every = run_check(CheckOptions(paths=paths, select=sorted(declared), use_config=False))
    for code, kinds in seen.items():
        if code in declared and declared[code] is not None:
            assert kinds <= declared[code], (code, kinds - declared[code])
    assert {code for code, kinds in declared.items() if kinds is not None} <= set(seen), "a rule never fired"
    assert [f.to_json() for f in skipping.findings] == [f.to_json() for f in every.findings]
