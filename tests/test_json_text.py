"""k8slint.report.json_text writes exactly what json.dumps(indent=2, ensure_ascii=False) does,
and so does the JSON report's own writer for its findings."""
from __future__ import annotations

import json
from enum import IntEnum

from hypothesis import given, settings
from hypothesis import strategies as st

from k8slint.discover import InputError
from k8slint.findings import Finding, ObjectRef, Severity, Span
from k8slint.fixes import Fix
from k8slint.report import ReportOptions, json_report, sarif
from k8slint.report.json_text import dumps
from k8slint.run import CheckOptions, RunResult, Summary, run_check
from tests.conftest import CORPUS, FIXTURES, ROOT

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


# -- the JSON report's own writer for its findings (k8slint.report.json_report._finding) -----

# Strings a report may hold, and those that need escaping: quotes, backslashes, control
# characters, line separators, non-ASCII, a lone surrogate.
texts = st.text() | st.sampled_from(["", "KL202", 'image "nginx"', "a\\b", "\x00\x1f\x7f", "\n\t\r", "\u2028\u2029",
                                     "é 名前 🚀", "\ud800", "null"])
ints = st.integers(min_value=0, max_value=2**31) | st.integers()
objects = st.builds(ObjectRef, st.none() | texts, st.none() | texts, st.none() | texts, st.none() | texts)
fixes = st.builds(lambda safety, title: Fix(safety, title, 0, (), ()),
                  st.sampled_from(["safe", "unsafe"]) | texts, texts)


@st.composite
def findings(draw):
    finding = Finding(
        draw(texts), Span(draw(ints), draw(ints), draw(ints), draw(ints)), draw(texts), draw(texts),
        draw(st.sampled_from(list(Severity))), draw(texts), draw(st.none() | texts), draw(st.none() | objects),
        draw(st.none() | texts),
    )
    finding.fix = draw(st.none() | fixes)
    return finding


def _result(found, input_errors=()):
    return RunResult(list(found), Summary(), {}, list(input_errors), "1.37")


def _expected(result):
    return json.dumps(json_report.to_data(result), indent=2, ensure_ascii=False) + "\n"


@settings(max_examples=300, deadline=None)
@given(st.lists(findings(), max_size=6),
       st.lists(st.builds(InputError, texts, texts), max_size=2))
def test_json_report_same_text_as_json_dumps(found, input_errors):
    result = _result(found, input_errors)
    assert json_report.render(result, ReportOptions()) == _expected(result)


class _Odd:
    """A finding whose to_json gives something else than Finding.to_json does."""

    def __init__(self, data):
        self.data = data

    def to_json(self):
        return self.data


class _Text(str):
    """A str subclass: json writes it from its characters, so must the report."""


class _Number(IntEnum):
    ONE = 1


def _usual():
    return Finding("a.yaml", Span(1, 2, 1, 5), "KL001", "rule", Severity.ERROR, "m", None,
                   ObjectRef("v1", "Pod", None, "p"), "spec").to_json()


# Values where a finding's usual ones are: of every JSON type, and those json writes its own way.
odd_values = (scalars | st.lists(scalars, max_size=2) | st.dictionaries(texts, scalars, max_size=2)
              | st.sampled_from([_Number.ONE, _Text("sub\"class"), (1, "tuple")]))
# Objects and fixes that are almost the usual ones: other keys, the same in another order, more, fewer.
odd_objects = st.sampled_from([
    {"apiVersion": "v1", "kind": "Pod", "name": "p", "namespace": None}, {"a": "v1", "b": "Pod", "c": None, "d": "p"},
    {"apiVersion": "v1", "kind": "Pod", "namespace": None},
    {"apiVersion": "v1", "kind": "Pod", "namespace": None, "name": "p", "x": 1},
    {}, {"apiVersion": 1, "kind": True, "namespace": None, "name": 1.5},
])
odd_fixes = st.sampled_from([
    {"title": "t", "safety": "safe"}, {"a": "safe", "b": "t"}, {"safety": "safe"},
    {"safety": "safe", "title": "t", "more": 1},
    {"safety": None, "title": 1}, {},
])


@st.composite
def odd_findings(draw):
    data = dict(_usual())
    if draw(st.booleans()):
        data["fix"] = {"safety": "safe", "title": "t"}
    if draw(st.booleans()):
        data["object"] = draw(odd_objects)
    if draw(st.booleans()):
        data["fix"] = draw(odd_fixes)
    for key in draw(st.lists(st.sampled_from(list(data)), max_size=2)):
        data[key] = draw(odd_values)
    for key in ("apiVersion", "kind", "namespace", "name"):
        if data["object"].__class__ is dict and key in data["object"] and draw(st.integers(0, 4)) == 0:
            data["object"] = {**data["object"], key: draw(odd_values)}
    if draw(st.integers(0, 5)) == 0:
        data["extra"] = draw(odd_values)
    if draw(st.integers(0, 5)) == 0:
        del data[draw(st.sampled_from(list(data)))]
    if draw(st.integers(0, 3)) == 0:  # the same keys in another order, two of the same type swapped
        order = list(data)
        first, second = draw(st.sampled_from([("rule", "name"), ("line", "column"), ("help", "path"),
                                              ("file", "message"), ("object", "fix"), ("end_line", "line")]))
        if first in data and second in data:
            i, j = order.index(first), order.index(second)
            order[i], order[j] = order[j], order[i]
            data = {key: data[key] for key in order}
    return _Odd(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(odd_findings() | findings(), max_size=4))
def test_json_report_unusual_findings_same_text_as_json_dumps(found):
    # other keys, other types: what the f-strings do not write goes to json_text
    result = _result(found)
    assert json_report.render(result, ReportOptions()) == _expected(result)


def test_json_report_edge_findings():
    usual = _usual()
    for data in (
        usual,
        {**usual, "object": None, "help": "h", "path": None},
        {**usual, "fix": {"safety": "unsafe", "title": "rename \"x\" → y"}},
        {**usual, "fix": {"safety": None, "title": None}},
        {**usual, "line": True}, {**usual, "column": 1.0}, {**usual, "end_line": 10**40}, {**usual, "end_column": -1},
        {**usual, "line": _Number.ONE}, {**usual, "file": _Text("x\n")}, {**usual, "rule": None},
        {**usual, "name": 5}, {**usual, "severity": ["error"]},
        {**usual, "object": {}}, {**usual, "object": []}, {**usual, "object": "v1/Pod"},
        {**usual, "object": {"apiVersion": float("nan"), "kind": None, "namespace": None, "name": None}},
        {**usual, "fix": []}, {**usual, "fix": "safe"}, {**usual, "fix": {"safety": ("safe",), "title": "t"}},
        {**usual, "path": {"a": [1, {"b": None}]}}, {**usual, "message": (1, 2)},
        dict(reversed(usual.items())), {**usual, "name": "KL001", "rule": "rule"}, {**usual, "extra": None},
        {}, [], None, "finding", 1,
    ):
        result = _result([_Odd(data)] * 2)
        assert json_report.render(result, ReportOptions()) == _expected(result), data
    for found in ([], [_Odd(usual)]):
        result = _result(found)
        assert json_report.render(result, ReportOptions()) == _expected(result)


def test_json_report_of_a_real_run():
    # every fixture's fail.yaml: findings of every rule, with and without fixes, as k8slint reports them
    result = run_check(CheckOptions(paths=sorted(str(p) for p in FIXTURES.glob("*/fail.yaml"))))
    assert len({f.rule for f in result.findings}) > 50
    assert any(f.fix is not None for f in result.findings) and any(f.object is None for f in result.findings)
    assert json_report.render(result, ReportOptions()) == _expected(result)


def _usual_finding(changed=None, value=None):
    """A usual Finding, with its attribute ``changed`` set to ``value``."""
    finding = Finding("a.yaml", Span(1, 2, 1, 5), "KL001", "rule", Severity.ERROR, "m", None,
                      ObjectRef("v1", "Pod", None, "p"), "spec")
    if changed is not None:
        setattr(finding, changed, value)
    return finding


def test_json_report_findings_with_unusual_attributes():
    # the report writes a Finding from its attributes; any value of another type than usual must
    # give the text json.dumps gives of its to_json()
    changes = (
        ("span", Span(True, 2, 1, 5)), ("span", Span(1, 2.0, 1, 5)),
        ("span", Span(_Number.ONE, 2, 1, 5)), ("span", Span(1, 2, 10**40, -1)),
        ("object", ObjectRef("v1", 1, None, "p")), ("object", ObjectRef(_Text("v1"), None, None, None)),
        ("message", _Text("sub\"class")), ("help", 5), ("path", ["a", 1]), ("rule", None),
        ("file", "é\u2028\n"), ("fix", Fix("safe", "t", 0, (), ())), ("fix", Fix(None, 3, 0, (), ())),
    )
    for name, value in changes:
        result = _result([_usual_finding(name, value), _usual_finding()])
        assert json_report.render(result, ReportOptions()) == _expected(result), (name, value)


# -- the SARIF report's own writer for its results (k8slint.report.sarif._results_text) ------

def _sarif_expected(result):
    return json.dumps(sarif.to_data(result, ReportOptions()), indent=2, ensure_ascii=False) + "\n"


files = st.sampled_from(["a.yaml", "dir/b c.yaml", "é.yaml", "<stdin>", "/elsewhere/x.yaml", "a%23b.yaml"])
# What fingerprints hash (rule, object, path, the text under the span) is encoded as UTF-8: no
# lone surrogate, which no YAML or JSON input can give (the parser rejects such escapes)
encodable = texts.filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t))
encodable_objects = st.builds(ObjectRef, st.none() | texts, st.none() | encodable, st.none() | encodable,
                              st.none() | encodable)


@st.composite
def sarif_findings(draw):
    finding = Finding(
        draw(files), Span(draw(ints), draw(ints), draw(ints), draw(ints)), draw(encodable), draw(texts),
        draw(st.sampled_from(list(Severity))), draw(texts), draw(st.none() | texts),
        draw(st.none() | encodable_objects), draw(st.none() | encodable),
    )
    finding.fix = draw(st.none() | fixes)
    return finding


def _sarif_result(found, texts_by_file=None):
    result = RunResult(list(found), Summary(), texts_by_file or {}, [], "1.37")
    result.paths = {}
    return result


@settings(max_examples=300, deadline=None)
@given(st.lists(sarif_findings(), max_size=6), st.dictionaries(files, encodable, max_size=3))
def test_sarif_report_same_text_as_json_dumps(found, texts_by_file):
    result = _sarif_result(found, texts_by_file)
    assert sarif.render(result, ReportOptions()) == _sarif_expected(result)


def test_sarif_report_findings_with_unusual_attributes():
    # values of other types than usual are left to the generic walk, with the same text
    changes = (
        ("span", Span(True, 2, 1, 5)), ("span", Span(_Number.ONE, 2, 1, 5)), ("span", Span(1, 2, 1, True)),
        ("span", Span(1, 2, 10**40, -1)), ("object", ObjectRef(_Text("v1"), _Text("Pod"), None, None)),
        ("message", _Text("sub\"class")), ("path", ""), ("path", _Text("p")), ("rule", _Text("KL001")),
        ("file", "é\u2028\n"), ("help", "h\u2029"),
    )
    for name, value in changes:
        found = [_usual_finding(name, value), _usual_finding(), _usual_finding()]
        result = _sarif_result(found, {"a.yaml": "x\ny: z\n"})
        assert sarif.render(result, ReportOptions()) == _sarif_expected(result), (name, value)
    assert sarif.render(_sarif_result([]), ReportOptions()) == _sarif_expected(_sarif_result([]))


def test_sarif_report_of_real_runs():
    # every fixture's fail.yaml, the examples and the corpus, as k8slint reports them
    paths = [sorted(str(p) for p in FIXTURES.glob("*/fail.yaml")), [str(ROOT / "examples")]]
    if CORPUS.is_dir():
        paths.append([str(CORPUS / "real")])
    for given_paths in paths:
        result = run_check(CheckOptions(paths=given_paths))
        assert result.findings
        assert sarif.render(result, ReportOptions()) == _sarif_expected(result)
