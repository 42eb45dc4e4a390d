"""YAML/JSON text → documents that keep the position of every key and value.

Documents are composed with ruamel.yaml's C parser (libyaml) into nodes that carry start and
end marks; the nodes are kept so that any finding can be located later (see ``locate``).
From the nodes we construct plain JSON-like data with Kubernetes' scalar rules (see
``scalars``), reporting duplicate keys, invalid keys and unsupported tags as issues.
A syntax error stops only the document it is in: parsing resumes at the next ``---``.
"""
from __future__ import annotations

import re
from sys import intern
from typing import Any, Optional

import k8slint.yaml_package  # noqa: F401 (first: ruamel.yaml without its package's __init__)
from _ruamel_yaml import CParser  # ruamel.yaml.clib: libyaml bindings
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from k8slint import core_rules
from k8slint.limits import DEFAULT as DEFAULT_LIMITS
from k8slint.limits import Limits, measure
from k8slint.rule import Rule
from k8slint.scalars import key_string, resolve_plain

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "binary", "timestamp")}
_INFINITIES = (float("inf"), float("-inf"))
# First characters of the plain scalars that may resolve to something other than the string
# itself (numbers, booleans, null, .inf, the merge key); "" stands for the empty scalar.
_MAYBE_NOT_STRING = frozenset("+-0123456789.yYnNtTfFoO~<") | {""}
_COLLECTION_TAGS = {_YAML + "map", _YAML + "seq", _YAML + "omap", "!"}
# ruamel nodes wrap the tag in a Tag object; for nodes from the C composer the raw tag string
# (or None when implicit) is Tag.suffix, which avoids building a string per node.
_DOC_START = r"^---(?=[ \t\r\n]|$)"  # compiled on first use (re caches it)


class _TooDeep(Exception):
    """A document nested deeper than the limit (see k8slint.limits)."""


class _Composer(CParser):  # type: ignore[misc]
    """libyaml composer that leaves implicit tags unresolved: ``scalars`` resolves them."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> None:
        return None

    def descend_resolver(self, *args: Any) -> None:
        pass

    def ascend_resolver(self, *args: Any) -> None:
        pass


class Issue:
    """A problem found while reading, located at a node (or at a raw 0-based position)."""

    __slots__ = ("rule", "message", "help", "node", "line", "column")

    def __init__(
        self, rule: Rule, message: str, help: Optional[str] = None, node: Optional[Node] = None,
        line: int = 0, column: int = 0,
    ):
        self.rule = rule
        self.message = message
        self.help = help
        self.node = node
        self.line = line
        self.column = column


class Document:
    __slots__ = ("index", "root", "data", "issues")

    def __init__(self, index: int, root: Node, data: Any, issues: Optional[list[Issue]] = None):
        self.index = index  # 0-based position of the document in its file
        self.root = root
        self.data = data
        self.issues = issues if issues is not None else []


class LoadedText:
    __slots__ = ("documents", "issues")

    def __init__(self, documents: list[Document], issues: list[Issue]):
        self.documents = documents
        self.issues = issues  # syntax errors that belong to no document


def _char_at(text: str, line: int, column: int) -> str:
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    return text[start + column: start + column + 1]


def _syntax_issue(err: Exception, text: str) -> Issue:
    if isinstance(err, MarkedYAMLError) and err.problem_mark is not None:
        mark = err.problem_mark
        problem = err.problem or "invalid YAML"
        message = f"YAML syntax error: {problem}"
        help = None
        if err.context and err.context_mark is not None:
            ctx = err.context_mark
            help = f"{err.context} that starts at line {ctx.line + 1}, column {ctx.column + 1}"
        if "tab" in problem or _char_at(text, mark.line, mark.column) == "\t":
            help = "YAML does not allow tabs for indentation; use spaces"
        elif "mapping values are not allowed" in problem:
            help = (
                "check the indentation of this line against the lines above it; a value that "
                'contains ": " must be quoted'
            )
        return Issue(core_rules.YAML_SYNTAX, message, help, line=mark.line, column=mark.column)
    position = getattr(err, "position", None)
    line = column = 0
    if isinstance(position, int) and getattr(err, "encoding", None):
        # libyaml's reader reports a byte offset into the UTF-8 input: count characters
        position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
    if isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position)
        column = position - (text.rfind("\n", 0, position) + 1)
    reason = str(err).splitlines()[0] if str(err) else type(err).__name__
    return Issue(core_rules.YAML_SYNTAX, f"YAML syntax error: {reason}", line=line, column=column)


def _error_line(err: Exception) -> int:
    mark = getattr(err, "problem_mark", None)
    return mark.line if mark is not None else 0


# Nesting deeper than a few thousand levels needs a line at least that long (each level takes
# a column of indentation or a bracket); only then is the nesting measured before composing.
_LONG_LINE = r"[^\n]{2000}"  # compiled on first use (re caches it)
# libyaml's composer is recursive C: far beyond this it overflows the stack (about 30,000 levels).
_COMPOSE_DEPTH = 2000


def _too_deep(text: str) -> Optional[Issue]:
    """A document nested deeper than the composer can take, found by counting parser events
    (the parser itself is not recursive), or None."""
    parser = _Composer(text)
    depth = 0
    try:
        while True:
            event = parser.get_event()
            name = event.__class__.__name__
            if name in ("SequenceStartEvent", "MappingStartEvent"):
                depth += 1
                if depth > _COMPOSE_DEPTH:
                    mark = event.start_mark
                    return Issue(
                        core_rules.INPUT_LIMIT,
                        f"file is nested more than {_COMPOSE_DEPTH} levels deep; it was not checked",
                        "no Kubernetes manifest is nested like this (the deepest real ones are about 20 levels)",
                        line=mark.line, column=mark.column,
                    )
            elif name in ("SequenceEndEvent", "MappingEndEvent"):
                depth -= 1
            elif name == "StreamEndEvent":
                return None
    except (YAMLError, ValueError, RecursionError):
        return None  # syntax errors are reported when composing
    finally:
        parser.dispose()


def compose(text: str, max_documents: int = DEFAULT_LIMITS.max_documents) -> tuple[list[Node], list[Issue]]:
    """Compose every document (up to ``max_documents``); after a syntax error resume at the
    next document start. Positions are counted in lines that end at LF (see ``_remap``)."""
    nodes: list[Node] = []
    issues: list[Issue] = []
    if len(text) >= 2000 and re.search(_LONG_LINE, text):
        deep = _too_deep(text)
        if deep is not None:
            return nodes, [deep]
    odd = has_odd_breaks(text)
    shifts: list[int] = []  # per node: text index = chunk index + shift
    marks: list[tuple[Issue, int, int]] = []  # syntax issues: (issue, chunk index, shift)
    chunk, chunk_line, shift = text, 0, 0
    doc_starts: Optional[list[tuple[int, int]]] = None
    try:
        while True:
            parser = _Composer(chunk)
            try:
                while parser.check_node():
                    if len(nodes) >= max_documents:
                        end = nodes[-1].end_mark
                        issues.append(Issue(
                            core_rules.INPUT_LIMIT,
                            f"file has more than {max_documents} documents; the documents after this "
                            "point were not checked",
                            f"split the file, or raise the limit with --max-documents {max_documents * 10}",
                            line=end.line, column=end.column,
                        ))
                        if odd:
                            marks.append((issues[-1], end.index, shifts[-1]))
                        return nodes, issues
                    nodes.append(parser.get_node())
                    shifts.append(shift)
                return nodes, issues
            except (YAMLError, ValueError, UnboundLocalError, RecursionError) as err:
                issues.append(_syntax_issue(err, text))
                mark = getattr(err, "problem_mark", None)
                if odd and mark is not None:
                    marks.append((issues[-1], mark.index, shift))
                if doc_starts is None:
                    doc_starts = [(text.count("\n", 0, m.start()), m.start()) for m in re.finditer(_DOC_START, text, re.M)]
                err_line = _error_line(err)
                resume = next(
                    ((ln, off) for ln, off in doc_starts if ln > chunk_line and ln >= err_line), None
                )
                if resume is None:
                    return nodes, issues
                chunk_line, offset = resume
                # Pad with newlines so that marks keep their absolute line numbers.
                chunk = "\n" * chunk_line + text[offset:]
                shift = offset - chunk_line
            finally:
                parser.dispose()
    finally:
        if odd:
            _remap(text, nodes, shifts, marks)
        elif shifts and shifts[-1]:  # documents composed after an error: indexes into the whole text
            _reindex(nodes, shifts)


def compose_document(text: str, index: int, exact: bool = True, odd: Optional[bool] = None) -> Optional[Node]:
    """The document whose root node starts at character ``index``, composed on its own with
    positions in the whole text: cheaper than composing a whole file to locate one object
    again. None if it cannot be composed on its own (a directive before it, an error next to
    it, another document on its line): compose the whole file instead. ``exact=False`` leaves
    the marks' character indexes relative to the document's first line (lines and columns are
    right; only fixes use indexes). ``odd``: whether the text has lone CRs (see _ODD_BREAK), if
    the caller knows."""
    if not 0 <= index < len(text):
        return None
    start = text.rfind("\n", 0, index) + 1
    line = text.count("\n", 0, start)
    parser = _Composer("\n" * line + text[start:])  # padded: libyaml counts the lines
    try:
        if not parser.check_node():
            return None
        root = parser.get_node()
    except (YAMLError, ValueError, UnboundLocalError, RecursionError):
        return None
    finally:
        parser.dispose()
    if odd is None:
        odd = has_odd_breaks(text)
    if odd:  # as compose does
        _remap(text, [root], [start - line], [])
    elif exact:
        _reindex([root], [start - line])
    return root if root.start_mark.index + (0 if odd or exact else start - line) == index else None


# libyaml (YAML 1.1) also breaks lines at a lone CR, NEL, LS and PS; reports, editors' LF lines
# and the JSON contract count lines that end at LF only.
_ODD_BREAK = "\r(?!\n)|[\x85\u2028\u2029]"  # compiled on first use (re caches it)


def has_odd_breaks(text: str) -> bool:
    """Whether libyaml counts lines in ``text`` differently from LF lines."""
    if "\r" not in text and "\x85" not in text and "\u2028" not in text and "\u2029" not in text:
        return False  # the common case, without the pattern
    return re.search(_ODD_BREAK, text) is not None


class _Mark:
    """A position counted in LF lines (libyaml's marks are read-only)."""

    __slots__ = ("line", "column", "index")

    def __init__(self, line: int, column: int, index: int):
        self.line = line
        self.column = column
        self.index = index


def _remap(text: str, nodes: list[Node], shifts: list[int], marks: list[tuple[Issue, int, int]]) -> None:
    """Recount the positions of a text with line breaks other than LF from the marks' character
    indexes (only such texts pay for this)."""
    from bisect import bisect_right

    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(index: int) -> tuple[int, int]:
        line = bisect_right(starts, index) - 1
        return line, index - starts[line]

    def mark(old: Any, shift: int) -> _Mark:
        index = max(0, min(old.index + shift, len(text)))
        line, column = position(index)
        return _Mark(line, column, index)

    for root, shift in zip(nodes, shifts):
        for node in _walk(root):
            node.start_mark = mark(node.start_mark, shift)
            node.end_mark = mark(node.end_mark, shift)
    for issue, index, shift in marks:
        issue.line, issue.column = position(max(0, min(index + shift, len(text))))


def _reindex(nodes: list[Node], shifts: list[int]) -> None:
    """Add each root's shift to the indexes of its nodes' marks (lines and columns are right)."""
    for root, shift in zip(nodes, shifts):
        if not shift:
            continue
        for node in _walk(root):
            start, end = node.start_mark, node.end_mark
            node.start_mark = _Mark(start.line, start.column, start.index + shift)
            node.end_mark = _Mark(end.line, end.column, end.index + shift)


def _walk(root: Node) -> list[Node]:
    """Every node under root once (aliases share nodes)."""
    seen: set[int] = set()
    out: list[Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        out.append(node)
        if node.__class__ is MappingNode:
            stack.extend(n for pair in node.value for n in pair)
        elif node.__class__ is SequenceNode:
            stack.extend(node.value)
    return out


def _plain_key(knode: Node) -> Optional[str]:
    if knode.__class__ is not ScalarNode:
        return None
    if knode.style or knode.ctag.suffix is not None:
        return knode.value
    return key_string(resolve_plain(knode.value))


class _Constructor:
    """Node tree → JSON-like data, reading scalars the way Kubernetes does."""

    def __init__(self, max_depth: int = DEFAULT_LIMITS.max_depth) -> None:
        self.issues: list[Issue] = []
        self._memo: dict[int, Any] = {}
        self._open: set[int] = set()  # collections being built (to detect recursive aliases)
        self.max_depth = max_depth
        self.aliased = False  # a collection was reached again through an alias

    def construct(self, node: Node) -> Any:
        cls = node.__class__
        if cls is ScalarNode:
            return self._scalar(node)  # type: ignore[arg-type]
        key = id(node)
        memo = self._memo
        if key in memo:  # an alias of a collection composed before
            self.aliased = True
            if key in self._open:  # ... that contains the alias itself: a cycle
                self.issues.append(Issue(
                    core_rules.YAML_SYNTAX, "recursive alias: the value refers to a collection that contains it",
                    "Kubernetes cannot represent a value that contains itself; repeat the data instead of the alias",
                    node=node,
                ))
                return None
            return memo[key]
        suffix = node.ctag.suffix
        if suffix is not None and suffix not in _COLLECTION_TAGS:
            self._unsupported_tag(node)
        self._open.add(key)
        if len(self._open) > self.max_depth:
            raise _TooDeep()
        try:
            return self._collection(node, cls, key)
        finally:
            self._open.discard(key)

    def _collection(self, node: Node, cls: Any, key: int) -> Any:
        memo = self._memo
        if cls is MappingNode:
            result: dict[str, Any] = {}
            memo[key] = result
            self._fill_mapping(node, result)  # type: ignore[arg-type]
            return result
        items: list[Any] = []
        memo[key] = items
        construct = self.construct
        scalar = self._scalar
        for item in node.value:
            # Plain strings are most of a manifest: take them without a call.
            if item.__class__ is ScalarNode and item.ctag.suffix is None and (
                item.style or item.value[:1] not in _MAYBE_NOT_STRING
            ):
                items.append(item.value)
            else:
                items.append(construct(item) if item.__class__ is not ScalarNode else scalar(item))
        return items

    def _scalar(self, node: ScalarNode) -> Any:
        if node.ctag.suffix is None:
            if node.style:
                return node.value
            value = resolve_plain(node.value)
        else:
            value = self._tagged_scalar(node)
        if value.__class__ is float and (value != value or value in _INFINITIES):
            return self._not_finite(node)
        return value

    def _fill_mapping(self, node: MappingNode, result: dict[str, Any]) -> None:
        merges: list[Node] = []
        construct = self.construct
        scalar = self._scalar
        for knode, vnode in node.value:
            if knode.__class__ is ScalarNode and knode.ctag.suffix is None:
                k = intern(knode.value)  # one string per distinct key: objects are kept for the index
                if not knode.style and k[:1] in _MAYBE_NOT_STRING:
                    if k == "<<":
                        merges.append(vnode)
                        continue
                    k = key_string(resolve_plain(k))
                    if k is None:
                        self._invalid_key(knode, "null")
                        construct(vnode)
                        continue
            else:
                k = self._complex_key(knode)
                if k is None:
                    construct(vnode)
                    continue
            if k in result:
                self._duplicate(node, knode, k)
            if vnode.__class__ is ScalarNode:
                if vnode.ctag.suffix is None and (vnode.style or vnode.value[:1] not in _MAYBE_NOT_STRING):
                    result[k] = vnode.value
                else:
                    result[k] = scalar(vnode)
            else:
                result[k] = construct(vnode)
        if merges:
            merged: dict[str, Any] = {}
            for mnode in merges:
                sources = mnode.value if mnode.__class__ is SequenceNode else [mnode]
                for src in reversed(sources):
                    value = construct(src)
                    if isinstance(value, dict):
                        merged.update(value)
            for k, v in merged.items():
                result.setdefault(k, v)

    def _duplicate(self, mapping: MappingNode, knode: Node, key: str) -> None:
        first = next(kn for kn, _ in mapping.value if kn is knode or _plain_key(kn) == key)
        self.issues.append(Issue(
            core_rules.DUPLICATE_KEY,
            f'duplicate key "{key}" (first defined at line {first.start_mark.line + 1})',
            "YAML keeps only the last value; remove one of the two or merge them",
            node=knode,
        ))

    def _complex_key(self, knode: Node) -> Optional[str]:
        if knode.__class__ is ScalarNode:
            k = key_string(self._tagged_scalar(knode))
            if k is not None:
                return k
            what = "null"
        else:
            what = "a list" if knode.__class__ is SequenceNode else "a mapping"
        self._invalid_key(knode, what)
        return None

    def _invalid_key(self, knode: Node, what: str) -> None:
        self.issues.append(Issue(
            core_rules.INVALID_KEY,
            f"a mapping key is {what}; Kubernetes only accepts string keys",
            "use a plain string as the key", node=knode,
        ))

    def _tagged_scalar(self, node: ScalarNode) -> Any:
        tag = node.ctag.suffix
        if tag == _YAML + "str" or tag == "!" or tag == _YAML + "binary" or tag == _YAML + "timestamp":
            return node.value
        if tag in _SCALAR_TAGS:
            return resolve_plain(node.value)
        self._unsupported_tag(node)
        return node.value if node.style else resolve_plain(node.value)

    def _not_finite(self, node: ScalarNode) -> None:
        self.issues.append(Issue(
            core_rules.WRONG_TYPE,
            f"{node.value} is not a finite number; Kubernetes cannot represent it in JSON",
            f'use a number, or quote it if you mean the text: "{node.value}"', node=node,
        ))
        return None

    def _unsupported_tag(self, node: Node) -> None:
        tag = str(node.ctag.suffix)
        shown = "!!" + tag[len(_YAML):] if tag.startswith(_YAML) else tag
        self.issues.append(Issue(
            core_rules.UNSUPPORTED_TAG,
            f"YAML tag {shown} is not supported by Kubernetes",
            "remove the tag and write the plain value; k8slint never constructs tagged values",
            node=node,
        ))


def load_text(text: str, limits: Limits = DEFAULT_LIMITS) -> LoadedText:
    nodes, issues = compose(text, limits.max_documents)
    documents = []
    for index, node in enumerate(nodes):
        constructor = _Constructor(limits.max_depth)
        try:
            data = constructor.construct(node)
        except (_TooDeep, RecursionError) as err:
            depth = f"more than {limits.max_depth}" if isinstance(err, _TooDeep) else "too many"
            issues.append(Issue(
                core_rules.INPUT_LIMIT,
                f"document is nested {depth} levels deep; it was not checked",
                "raise the limit with --max-depth if this is intended (the deepest real manifests "
                "are about 20 levels)",
                line=node.start_mark.line, column=node.start_mark.column,
            ))
            continue
        if constructor.aliased:
            depth, through_aliases = measure(node)
            if through_aliases > limits.max_aliases:
                issues.append(Issue(
                    core_rules.INPUT_LIMIT,
                    f"document reaches {through_aliases} values through YAML aliases (limit "
                    f"{limits.max_aliases}): an alias expansion bomb? It was not expanded or checked",
                    "write the data out instead of nesting aliases, or raise the limit with --max-aliases",
                    line=node.start_mark.line, column=node.start_mark.column,
                ))
                continue
        documents.append(Document(index, node, data, constructor.issues))
    return LoadedText(documents, issues)


_OTHER_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"), (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"), (b"\xfe\xff", "UTF-16 (big-endian)"),
)


def decode(raw: bytes) -> tuple[Optional[str], Optional[Issue]]:
    """Bytes → text (UTF-8, with or without BOM); anything else becomes a located issue."""
    for bom, encoding in _OTHER_BOMS:
        if raw.startswith(bom):
            return None, Issue(
                core_rules.YAML_SYNTAX,
                f"file is encoded as {encoding} (it starts with that byte order mark); "
                "kubectl and k8slint read UTF-8",
                "save the file as UTF-8", line=0, column=0,
            )
    if raw.startswith(b"\xef\xbb\xbf"):  # UTF-8's BOM: not a character of the first line
        raw = raw[3:]
    nul = raw.find(b"\x00", 0, 65536)
    if nul != -1:
        prefix = raw[:nul]
        line = prefix.count(b"\n")
        column = len(prefix[prefix.rfind(b"\n") + 1:].decode("utf-8", errors="replace"))
        return None, Issue(
            core_rules.YAML_SYNTAX,
            f"file contains a NUL byte (line {line + 1}, column {column + 1}): a binary file, not YAML or JSON",
            "check that the right file is named, or exclude it with --exclude",
            line=line, column=column,
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as err:
        start = err.start
        prefix = raw[:start]
        line = prefix.count(b"\n")
        column = len(prefix[prefix.rfind(b"\n") + 1:].decode("utf-8", errors="replace"))
        bad = raw[start:start + 1].hex()
        return None, Issue(
            core_rules.YAML_SYNTAX,
            f"file is not valid UTF-8 (byte 0x{bad} at line {line + 1}, column {column + 1})",
            "save the file as UTF-8", line=line, column=column,
        )
