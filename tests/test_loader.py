"""Loading: positions, multi-document streams, recovery from syntax errors, duplicate keys."""
from ruamel.yaml.nodes import MappingNode

from k8slint.loader import decode, load_text
from k8slint.locate import find_node, format_path, locate, path_to


def _one(text):
    loaded = load_text(text)
    assert not loaded.issues, [i.message for i in loaded.issues]
    assert len(loaded.documents) == 1
    return loaded.documents[0]


def test_positions_are_absolute_in_multi_document_files():
    text = "a: 1\n---\nb: 2\n---\n\n# comment\nc:\n  d: [1, 2]\n"
    docs = load_text(text).documents
    assert [d.index for d in docs] == [0, 1, 2]
    assert locate(docs[2].root, ("c", "d", 1)) .line == 8
    span = locate(docs[2].root, ("c", "d", 1))
    assert (span.line, span.column, span.end_line, span.end_column) == (8, 10, 8, 11)
    key = locate(docs[1].root, ("b",), want_key=True)
    assert (key.line, key.column) == (3, 1)


def test_syntax_error_stops_only_its_document():
    text = "a: 1\n---\nb: [1\n---\nc: 3\n---\nd:\n  e: 1\n   f: 2\n---\ng: 4\n"
    loaded = load_text(text)
    assert [d.data for d in loaded.documents] == [{"a": 1}, {"c": 3}, {"g": 4}]
    assert [(i.line + 1, i.column + 1) for i in loaded.issues] == [(4, 1), (9, 5)]
    assert all(i.rule.code == "KL001" for i in loaded.issues)
    # The resumed documents keep their absolute line numbers.
    assert loaded.documents[2].root.start_mark.line + 1 == 11


def test_unterminated_quote_is_located_with_its_start():
    loaded = load_text("a: 'x\nb: 1\n")
    (issue,) = loaded.issues
    assert issue.rule.code == "KL001"
    assert "starts at line 1, column 4" in issue.help


def test_tab_indentation_is_explained():
    loaded = load_text("a:\n\tb: 1\n")
    (issue,) = loaded.issues
    assert "tabs" in (issue.help or "")
    assert (issue.line, issue.column) == (1, 0)


def test_duplicate_keys_are_issues_at_the_second_key():
    doc = _one("a: 1\nb:\n  c: 1\n  c: 2\n")
    (issue,) = doc.issues
    assert issue.rule.code == "KL002"
    assert issue.node.start_mark.line == 3 and issue.node.start_mark.column == 2
    assert "first defined at line 3" in issue.message
    assert doc.data == {"a": 1, "b": {"c": 2}}
    assert path_to(doc.root, issue.node) == ["b", "c"]


def test_empty_documents_and_comments():
    loaded = load_text("# only a comment\n---\n---\n")
    assert all(d.data is None for d in loaded.documents)
    assert load_text("").documents == []


def test_bom_and_crlf():
    text, issue = decode(b"\xef\xbb\xbfapiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: x\r\n")
    assert issue is None and not text.startswith("\ufeff")
    doc = _one(text)
    assert doc.data["metadata"]["name"] == "x"
    span = locate(doc.root, ("metadata", "name"))
    assert (span.line, span.column, span.end_column) == (4, 9, 10)


def test_invalid_utf8_is_a_located_issue():
    text, issue = decode(b"a: 1\nb: \xff\n")
    assert text is None
    assert issue.rule.code == "KL001" and (issue.line, issue.column) == (1, 3)
    assert "0xff" in issue.message


def test_flow_style_positions():
    doc = _one('metadata: {name: web, labels: {app: "web"}}\nports: [{port: 80}, {port: 81}]\n')
    span = locate(doc.root, ("metadata", "labels", "app"))
    assert (span.line, span.column, span.end_column) == (1, 37, 42)
    span = locate(doc.root, ("ports", 1, "port"))
    assert (span.line, span.column) == (2, 28)
    span = locate(doc.root, ("metadata", "labels"))
    assert (span.line, span.column, span.end_column) == (1, 31, 43)  # the whole {app: "web"}


def test_block_scalar_positions():
    doc = _one("data:\n  script: |\n    echo hi\n    exit 0\n  next: 1\n")
    span = locate(doc.root, ("data", "script"))
    assert (span.line, span.column, span.end_line) == (2, 11, 2)  # at the | indicator
    assert doc.data["data"]["script"] == "echo hi\nexit 0\n"
    assert locate(doc.root, ("data", "next")).line == 5


def test_json_input_positions():
    doc = _one('{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "spec": {"containers": [{"name": 1}]}\n}\n')
    span = locate(doc.root, ("spec", "containers", 0, "name"))
    assert (span.line, span.column) == (4, 36)
    assert doc.data["spec"]["containers"][0]["name"] == 1


def test_missing_path_points_at_nearest_ancestor():
    doc = _one("spec:\n  template:\n    spec: {}\n")
    node, depth = find_node(doc.root, ("spec", "template", "spec", "containers", 0))
    assert depth == 3 and isinstance(node, MappingNode)


def test_merge_keys_and_anchors():
    doc = _one("base: &b {app: web, tier: fe}\nlabels:\n  <<: *b\n  tier: be\n")
    assert doc.data["labels"] == {"app": "web", "tier": "be"}
    assert not doc.issues
    assert locate(doc.root, ("labels", "app")).line == 1  # the merged value lives at the anchor


def test_keys_resolve_like_kubernetes():
    doc = _one("data:\n  yes: 1\n  8080: port\n  '0755': quoted\n")
    assert doc.data["data"] == {"true": 1, "8080": "port", "0755": "quoted"}


def test_unsupported_tags_and_invalid_keys():
    doc = _one("a: !Ref x\nb: !!str 12\n~: 1\nc: !!int '7'\n")
    codes = [i.rule.code for i in doc.issues]
    assert codes == ["KL005", "KL006"]
    assert doc.data["b"] == "12" and doc.data["c"] == 7


def test_format_path():
    assert format_path(("spec", "containers", 0, "env", 1)) == "spec.containers[0].env[1]"
    assert format_path(("metadata", "labels", "app.kubernetes.io/name")) == 'metadata.labels["app.kubernetes.io/name"]'
    assert format_path(()) == ""


def test_recursive_alias_is_an_issue_not_a_cycle():
    doc = load_text("data: &a {k: *a}\nlist: &b [1, *b]\n").documents[0]
    assert [i.rule.code for i in doc.issues] == ["KL001", "KL001"]
    assert doc.data == {"data": {"k": None}, "list": [1, None]}


# -- composing one document again (parallel and cached runs locate reported objects this way) --

def _marks(root):
    out, stack, seen = [], [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias: composed once
            continue
        seen.add(id(node))
        out.append((node.start_mark.line, node.start_mark.column, node.start_mark.index,
                    node.end_mark.line, node.end_mark.column, node.end_mark.index))
        if isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))
    return out


def _alone_matches_whole(text):
    """compose_document gives each document's marks exactly as composing the whole text does;
    returns how many documents could be composed alone."""
    from k8slint.loader import compose, compose_document

    roots, _ = compose(text)
    alone = 0
    for root in roots:
        node = compose_document(text, root.start_mark.index)
        if node is not None:
            assert _marks(node) == _marks(root)
            alone += 1
            rough = compose_document(text, root.start_mark.index, exact=False)  # lines and columns only
            assert [m[:2] + m[3:5] for m in _marks(rough)] == [m[:2] + m[3:5] for m in _marks(root)]
    return alone


def test_compose_document_places_each_document_as_the_whole_file_does():
    text = (
        "a: 1\n---\n  b: 2\n  c: [1, {d: 'x'}]\n--- {e: 3}\n---\n# c\n&x f:\n  - |\n    text\n"
        "...\n---\n- 1\n- g: h\n"
    )
    assert _alone_matches_whole(text) == 5
    assert _alone_matches_whole(text.replace("\n", "\r\n")) == 5
    assert _alone_matches_whole("a: 1\r---\rb: 2\x85c: 3\n---\nd: 4\n") == 2  # lone CR, NEL: LF lines


def test_compose_document_declines_what_cannot_stand_alone():
    from k8slint.loader import compose_document

    text = "%TAG !e! tag:example.com,2000:\n---\nx: !e!foo 1\n"
    assert compose_document(text, text.index("x")) is None  # needs its directive
    assert compose_document("a: 1\n", 5) is None  # past the end
    assert compose_document("a: 1\rb: 2\n", 5) is None  # lone CR: another document on its LF line
    assert compose_document("a: 1\n---\nb: [1\n", 0) is not None  # an error in a later document is not read


def test_compose_document_agrees_with_whole_files_of_the_fixtures_and_corpus():
    from pathlib import Path

    from tests.conftest import CORPUS, ROOT

    files = sorted((ROOT / "fixtures").rglob("*.yaml"))
    if CORPUS.is_dir():
        files += sorted((CORPUS / "real").rglob("*.y*ml"))
    documents = alone = 0
    for path in files:
        text, _ = decode(Path(path).read_bytes())
        if text is None:
            continue
        from k8slint.loader import compose

        documents += len(compose(text)[0])
        alone += _alone_matches_whole(text)
    assert documents > 300
    assert alone >= 0.95 * documents, (alone, documents)
