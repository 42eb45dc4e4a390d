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
