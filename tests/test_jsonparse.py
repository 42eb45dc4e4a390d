"""k8slint.jsonparse.loads reads JSON exactly as json.loads does."""
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint import jsonparse

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4))


@settings(max_examples=1500, deadline=None)
@given(value=documents, indent=st.none() | st.integers(0, 2), ascii_only=st.booleans(), pad=st.sampled_from(["", " ", "\n\t ", "\r\n"]))
def test_documents_read_as_json_loads_reads_them(value, indent, ascii_only, pad):
    text = pad + json.dumps(value, indent=indent, ensure_ascii=ascii_only) + pad
    assert jsonparse.loads(text) == json.loads(text)
    assert jsonparse.loads(text.encode("utf-8")) == json.loads(text)


def test_constants_and_big_numbers():
    assert jsonparse.loads('[NaN, Infinity, -Infinity, 1e400, 12345678901234567890]')[1:] == [math.inf, -math.inf, math.inf, 12345678901234567890]
    assert math.isnan(jsonparse.loads("NaN"))


@settings(max_examples=1500, deadline=None)
@given(text=st.text(alphabet='{}[]",:0123456789.eE+-truefalsn \t\n\\u', max_size=20))
def test_anything_json_loads_rejects_is_a_value_error(text):
    try:
        expected = json.loads(text)
    except ValueError:
        with pytest.raises(ValueError):
            jsonparse.loads(text)
    else:
        got = jsonparse.loads(text)
        assert got == expected or (got != got and expected != expected)
