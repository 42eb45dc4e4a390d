"""k8slint.report.json_text writes exactly what json.dumps(indent=2, ensure_ascii=False) does."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint.report.json_text import dumps

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
data = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(data)
def test_same_text_as_json_dumps(value):
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


@given(st.dictionaries(st.integers() | st.booleans() | st.none(), scalars, max_size=4)
       | st.tuples(scalars, scalars))
def test_what_it_does_not_handle_is_left_to_json_dumps(value):
    # keys that are not strings, tuples: the standard library's conversions
    assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_edge_values():
    for value in ([], {}, {"a": []}, [{}], float("nan"), float("inf"), -float("inf"), -0.0, 10**40, "\u2028é\x00\"\\",
                  {"\ud800": "lone surrogate"}, True, 1, 1.0):
        assert dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)
