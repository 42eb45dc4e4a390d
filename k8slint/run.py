"""One ``k8slint check`` run.

discover → load → identify → schema → object rules → (context) → index → index rules →
folds → suppressions → report. A run is a value passed through the stages; nothing here
prints or knows the output format.
"""
from __future__ import annotations

import os
import sys
from typing import Any, BinaryIO, Callable, Iterable, Optional

from k8slint import core_rules
from k8slint.collector import CollectorPaused
from k8slint.config import Config, ConfigError, find_config, load_config, where
from k8slint.discover import InputError, Source, TooLarge, discover, read_limited, read_regular, reason
from k8slint.engine import Engine, RuleContext, apply_folds
from k8slint.findings import Finding, ObjectRef, Severity, Span
from k8slint.helm import is_template
from k8slint.index import Index
from k8slint.kustomize import collect_generated, collect_patches, is_kustomization, nearby_kustomizations
from k8slint.limits import Limits
from k8slint.loader import Issue, compose, compose_document, decode, has_odd_breaks, load_text
from k8slint.locate import find_node, format_path, node_span, path_to
from k8slint.named_tuple import NamedTuple
from k8slint.objects import NOT_MANIFEST_NAMES, K8sObject, identify
from k8slint.pathtext import clean, resolve
from k8slint.registry import Registry, UnknownRule, load_registry
from k8slint.schema_check import SchemaChecker
from k8slint.schema_store import load_store
from k8slint.selectors import CHOSEN, COMPARED, clear_notes
from k8slint.suppress import Suppressor


class CheckOptions:
    def __init__(
        self, paths: list[str], excludes: Optional[list[str]] = None, stdin_filename: Optional[str] = None,
        kubernetes_version: Optional[str] = None, strict_kinds: bool = False,
        config: Optional[str] = None, context: Optional[list[str]] = None,
        rules_dirs: Optional[list[str]] = None, select: Optional[list[str]] = None,
        ignore: Optional[list[str]] = None, use_config: bool = True,
        profiles: Optional[list[str]] = None, assume_complete: bool = False,
        schema_locations: Optional[list[str]] = None, only_files: Optional[set[str]] = None,
        overlay: Optional[dict[str, bytes]] = None, limits: Optional[Limits] = None,
        jobs: Optional[int] = None, cache_dir: Optional[str] = None,
    ):
        # Paths are text throughout a run: importing pathlib would cost a one-file run ~6 ms.
        self.paths = paths
        self.excludes = excludes if excludes is not None else []
        self.stdin_filename = stdin_filename
        self.kubernetes_version = kubernetes_version
        self.strict_kinds = strict_kinds
        self.config = config  # an explicit configuration file (--config)
        self.context = context if context is not None else []
        self.rules_dirs = rules_dirs if rules_dirs is not None else []
        self.select = select  # replaces the configured selection
        self.ignore = ignore if ignore is not None else []  # added to the configured ignores
        self.use_config = use_config  # False: do not look for a configuration file
        self.profiles = profiles if profiles is not None else []  # added to the configured ones
        self.assume_complete = assume_complete  # references to absent objects are errors
        self.schema_locations = schema_locations if schema_locations is not None else []
        # --changed-since: check only these (resolved) files of the paths; the paths are context
        self.only_files = only_files
        # --fix/--diff: the content of these (resolved) files as fixed so far, instead of the disk's
        self.overlay = overlay if overlay is not None else {}
        self.limits = limits if limits is not None else Limits()  # see k8slint.limits
        self.jobs = jobs  # processes checking files; None: automatic (see run._jobs)
        self.cache_dir = cache_dir  # the persistent cache (k8slint.cache); None: no cache


class Summary:
    FIELDS = ("files", "documents", "objects", "skipped", "errors", "warnings", "infos", "baselined")

    def __init__(self) -> None:
        self.files = self.documents = self.objects = self.skipped = 0
        self.errors = self.warnings = self.infos = 0
        self.baselined = 0  # findings hidden by --baseline

    def to_json(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}

    def count(self, findings: Iterable[Finding]) -> None:
        """Add the findings to the errors, warnings and infos."""
        for finding in findings:
            if finding.severity is Severity.ERROR:
                self.errors += 1
            elif finding.severity is Severity.WARNING:
                self.warnings += 1
            else:
                self.infos += 1

    def __repr__(self) -> str:
        return f"Summary({self.to_json()})"


class CheckedObject(NamedTuple):
    """An object that was checked (reported on), for reports that list what passed too."""

    file: str
    file_index: int
    ref: ObjectRef


class RunResult:
    def __init__(
        self, findings: list[Finding], summary: Summary, texts: "dict[str, str] | Any",
        input_errors: list[InputError], kubernetes_version: str,
        rules: Optional[list[Any]] = None, objects: "Optional[list[CheckedObject] | Callable[[], list[CheckedObject]]]" = None,
    ):
        self.findings = findings
        self.summary = summary
        # file → text, for the files that have findings (code frames); a mapping that decodes
        # on first use when the run is answered from its snapshot (most reports need none)
        self.texts = texts
        self.input_errors = input_errors
        self.kubernetes_version = kubernetes_version
        self.rules = rules if rules is not None else []  # the Rules that ran, by code
        # every checked (not context) object, or what makes the list when first asked (only
        # some reports list what passed)
        self._objects = objects if objects is not None else []
        self.paths: dict[str, str] = {}  # file as reported → its path (files read from disk)

    @property
    def objects(self) -> list[CheckedObject]:
        if callable(self._objects):
            self._objects = self._objects()
        return self._objects

    def worst(self) -> Optional[Severity]:
        return max((f.severity for f in self.findings), default=None)


def _inside_line(text: Optional[str], line: int, column: int) -> tuple[int, int]:
    """A 0-based position moved onto a character: a parser stops after the last character of
    a line (or on the empty line after the last one), where a one-character caret would end
    outside the line."""
    if text is None:
        return line, column
    lines = text.split("\n")
    length = len(lines[line].rstrip("\r")) if line < len(lines) else 0
    if column < length:
        return line, column
    if length:
        return line, length - 1
    for previous in range(min(line, len(lines)) - 1, -1, -1):  # an empty line or past the end: the last character before
        length = len(lines[previous].rstrip("\r"))
        if length:
            return previous, length - 1
    return line, column


def _issue_finding(issue: Issue, file: str, file_index: int, text: Optional[str] = None, **extra: object) -> Finding:
    if issue.node is not None:
        span = node_span(issue.node)
    else:
        line, column = _inside_line(text, issue.line, issue.column)
        span = Span(line + 1, column + 1, line + 1, column + 2)
    finding = issue.rule.finding(file, span, issue.message, issue.help, **extra)  # type: ignore[arg-type]
    finding.file_index = file_index
    return finding


class Settings:
    """The options and the configuration merged, and everything derived from them once."""

    def __init__(self, options: CheckOptions):
        self.options = options
        self.config = self._config(options)
        config = self.config
        self.kubernetes_version = options.kubernetes_version or config.kubernetes_version
        self.strict_kinds = options.strict_kinds or config.strict_kinds
        self.excludes = [*options.excludes, *config.exclude]
        self.context = [*config.context, *map(clean, options.context)]
        if options.only_files is not None:  # the rest of the paths: context for cross-object rules
            self.context.extend(clean(p) for p in options.paths if p != "-")
        self.registry = load_registry([*config.rules_dirs, *map(clean, options.rules_dirs)])
        self.assume_complete = options.assume_complete or config.assume_complete
        self.schema_locations = [*config.schema_locations, *map(clean, options.schema_locations)]
        self.enabled = self._enabled(self.registry, config, options)
        self.severities = {}
        for code, severity in config.severity.items():
            self.severities[self._resolve(code, ("severity", code))] = Severity.parse(severity)

    @staticmethod
    def _config(options: CheckOptions) -> Config:
        if options.config:
            path = clean(options.config)
            if os.path.isdir(path):
                raise ConfigError(f"{options.config}: is a directory; --config takes a configuration file")
            if not os.path.isfile(path):
                raise ConfigError(f"{options.config}: configuration file not found")
            return load_config(path)
        found = find_config(options.paths) if options.use_config else None
        return load_config(found) if found is not None else Config()

    def _resolve(self, code: str, keys: tuple) -> str:
        try:
            return self.registry.resolve(code)
        except UnknownRule as err:
            raise ConfigError(f"{where(self.config, keys)}: {err}") from None

    def _enabled(self, registry: Registry, config: Config, options: CheckOptions) -> set[str]:
        for key, codes in (("select", config.select or []), ("extend-select", config.extend_select),
                           ("ignore", config.ignore)):
            for i, code in enumerate(codes):
                if code.upper() != "ALL":
                    self._resolve(code, (key, i))
        for i, profile in enumerate(config.profiles):
            try:
                registry.resolve_profile(profile)
            except UnknownRule as err:
                raise ConfigError(f"{where(config, ('profiles', i))}: {err}") from None
        try:
            select = options.select if options.select is not None else config.select
            return registry.enabled(
                select, config.extend_select, [*config.ignore, *options.ignore],
                [*config.profiles, *options.profiles],
            )
        except UnknownRule as err:
            raise ConfigError(str(err)) from None


# Above this much input, jsonschema-rs pays for its import (~20 ms) by validating faster.
RUST_VALIDATION_BYTES = 256 * 1024


def _input_bytes(sources: list[Source]) -> int:
    total = 0
    for source in sources:
        if source.path is not None:
            try:
                total += os.stat(source.path).st_size
            except OSError:
                pass
    return total


class Checker:
    """Checks sources one by one, keeping the state a run shares (schemas, rules, objects)."""

    def __init__(self, settings: Settings, input_bytes: int = 0):
        self.settings = settings
        self.store = load_store(settings.kubernetes_version)
        engine = "rust" if input_bytes > RUST_VALIDATION_BYTES else "python"
        self.schema = SchemaChecker(self.store, settings.strict_kinds, engine)
        self.ctx = RuleContext(settings.config.default_namespace, self.store.version, settings.assume_complete)
        self.engine = Engine(settings.registry, settings.enabled, settings.severities, self.ctx)
        self.registry = settings.registry
        self.suppressor = Suppressor(
            settings.registry.resolve, settings.config.per_path_ignores, settings.config.root
        )
        self.summary = Summary()
        self.partial_files: set[str] = set()  # resolved paths
        self.objects: list[K8sObject] = []  # every object, for the index
        self.lost_folders: set[str] = set()  # folders with documents that could not be read
        self.broken_files: set[str] = set()  # files with syntax errors: never fixed
        # A cached run: file → (facts digest, holds CRDs, summary share), for its snapshot (run_snapshot)
        self.file_facts: Optional[dict[str, tuple[tuple[bytes, ...], bool, dict[str, int], set[str], list[int], Any]]] = None

    def check_text(self, text: str, file: str, file_index: int, partial: bool = False) -> list[Finding]:
        findings: list[Finding] = []
        loaded = load_text(text, self.settings.options.limits)
        if "{{" in text:
            where_ = is_template(text, [d.root for d in loaded.documents], not loaded.issues)
            if where_ is not None:
                self.summary.skipped += 1
                self.lost_folders.add(os.path.dirname(file))
                line, col = where_
                finding = core_rules.HELM_TEMPLATE.finding(
                    file, Span(line + 1, col + 1, line + 1, col + 3),
                    "file contains Helm/Go template syntax and was not checked",
                    "render it first and check the output: helm template RELEASE CHART | k8slint check -",
                )
                finding.file_index = file_index
                return [finding]
        if loaded.issues:
            self.lost_folders.add(os.path.dirname(file))
            self.broken_files.add(file)
        for issue in loaded.issues:
            findings.append(_issue_finding(issue, file, file_index, text))
        self.suppressor.add_file(text, file, file_index)
        for doc in loaded.documents:
            if doc.data is None:
                continue
            self.summary.documents += 1
            found = identify(doc, file, file_index, partial)
            self.summary.skipped += found.skipped
            self.summary.objects += len(found.objects)
            owner = found.objects[0] if len(found.objects) == 1 else None
            for issue in doc.issues:
                path = path_to(doc.root, issue.node) if issue.node is not None else None
                finding = _issue_finding(
                    issue, file, file_index, text, obj=owner.ref() if owner else None,
                    path=format_path(path) if path else None,
                )
                finding.source = owner
                findings.append(finding)
            for rule, message, help, node, path_text, ref in found.problems:
                finding = rule.finding(file, node_span(node), message, help, ref, path_text)
                finding.file_index = file_index
                findings.append(finding)
            for obj in found.objects:
                deferred = len(self.schema.deferred)
                findings.extend(self.schema.check(obj))
                findings.extend(self.engine.object_findings(obj))
                self.suppressor.add_object(obj)
                self.objects.append(obj)
                if len(self.schema.deferred) == deferred:  # custom resources keep their nodes
                    obj.node = obj.doc = None  # located again from the text if an index rule needs it
        return apply_folds(findings)

    def read_context(self, text: str, file: str) -> None:
        """Objects of a context file: indexed for cross-object rules, never reported on."""
        loaded = load_text(text, self.settings.options.limits)
        if "{{" in text and is_template(text, [d.root for d in loaded.documents], not loaded.issues):
            self.lost_folders.add(os.path.dirname(file))
            return
        if loaded.issues:
            self.lost_folders.add(os.path.dirname(file))
        for doc in loaded.documents:
            if doc.data is None:
                continue
            for obj in identify(doc, file, -1).objects:
                obj.checked = False
                obj.node = obj.doc = None
                self.objects.append(obj)

    def check_source(self, source: Source, raw: bytes) -> tuple[list[Finding], Optional[str]]:
        """The findings of one source, and its text (for code frames)."""
        self.summary.files += 1
        if not_a_manifest(source):
            self.summary.skipped += 1
            return [], None
        text, problem = decode(raw)
        if text is None:
            assert problem is not None
            # (the bytes as far as they decode: for a position on a character of its line)
            return [_issue_finding(problem, source.display, source.order, raw.decode("utf-8", "replace"))], None
        partial = bool(self.partial_files) and source.path is not None and resolve(source.path) in self.partial_files
        return self.check_text(_parseable(source, text), source.display, source.order, partial), text


def not_a_manifest(source: Source) -> bool:
    """A file that is never read as manifests (kustomization.yaml, Chart.yaml, ...): skipped,
    without a text."""
    return source.path is not None and os.path.basename(source.path) in NOT_MANIFEST_NAMES


def _suffix_is_json(path: str) -> bool:
    """``Path(path).suffix == ".json"`` (a file named just ``.json`` has no suffix)."""
    name = os.path.basename(path)
    return name.endswith(".json") and name != ".json"


def _parseable(source: Source, text: str) -> str:
    if source.path is not None and _suffix_is_json(source.path) and "\t" in text:
        return text.replace("\t", " ")  # JSON allows tabs as whitespace; YAML does not
    return text


def _read(
    source: Source, stdin: Optional[BinaryIO], overlay: Optional[dict[str, bytes]] = None,
    max_size: Optional[int] = None,
) -> bytes:
    if source.path is None:
        return read_limited(stdin if stdin is not None else sys.stdin.buffer, max_size)
    if overlay:
        fixed = overlay.get(resolve(source.path))  # OSError(ELOOP) for a link loop
        if fixed is not None:
            return fixed
    return read_regular(source.path, max_size)  # a FIFO or a device is never opened


def _too_large(source: Source, size: int, limit: int) -> Finding:
    from k8slint.limits import size_text

    stdin = " (standard input)" if source.path is None else ""
    finding = core_rules.INPUT_LIMIT.finding(
        source.display, Span(1, 1, 1, 2),
        f"file is larger than {size_text(limit)}{stdin} and was not read "
        f"(it is {size_text(size)}{' or more' if source.path is None else ''})",
        f"raise the limit with --max-file-size (e.g. --max-file-size {size_text(limit * 4).replace(' ', '')}) "
        "if it really is a manifest",
    )
    finding.file_index = source.order
    return finding


def _kustomizations(
    sources: list[Source], stdin: Optional[BinaryIO], raws: dict[int, bytes],
    overlay: Optional[dict[str, bytes]] = None,
) -> list[tuple[str, Any]]:
    """The kustomizations among the sources, or beside and above them: (resolved path, data)."""
    files = [s.path for s in sources if s.path is not None]
    known: dict[str, Optional[Source]] = {
        resolve(s.path): s for s in sources if s.path is not None and is_kustomization(s.path)
    }
    for path in nearby_kustomizations(files, os.getcwd()):
        known.setdefault(resolve(path), None)
    kustomizations: list[tuple[str, Any]] = []
    for path, source in known.items():
        try:
            raw = _read(source, stdin, overlay) if source is not None else _read_file(path)
        except OSError:
            continue  # reported when the source itself is read
        if source is not None:
            raws[source.order] = raw
        text, _ = decode(raw)
        if text is not None:
            kustomizations.extend((path, doc.data) for doc in load_text(text).documents)
    return kustomizations


def _read_file(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


class _Relocator:
    """Composes documents again to find the nodes of objects that index rules (or custom
    resource checks) report on: the nodes were released after the file was checked, to keep
    memory flat. Only the object's own document is composed when it can stand alone."""

    def __init__(self, texts: dict[str, str], max_documents: int):
        self.texts = texts
        self.max_documents = max_documents

    def __call__(self, objects: list[K8sObject], exact: bool = True) -> list[Any]:
        """The nodes of ``objects``, all of one file; ``exact=False``: their marks' character
        indexes may be off (only fixes need them; see compose_document)."""
        text = self.texts[objects[0].file]
        if objects[0].file.endswith(".json"):
            text = text.replace("\t", " ")
        odd = has_odd_breaks(text)
        roots: dict[int, Any] = {}
        whole: Optional[list[Any]] = None
        nodes = []
        for obj in objects:
            root = roots.get(obj.doc_index)
            if root is None:
                root = compose_document(text, obj.doc_start, exact, odd)
                if root is None:
                    if whole is None:  # the nodes only: the data was built when the file was checked
                        whole, _ = compose(text, self.max_documents)
                    root = whole[obj.doc_index]
                roots[obj.doc_index] = root
            nodes.append(find_node(root, obj.prefix)[0])
        return nodes

    def one(self, obj: K8sObject) -> Any:
        return self([obj])[0]


def _context_sources(settings: Settings, checked: list[Source]) -> list[Source]:
    if not settings.context:
        return []
    seen = {resolve(s.path) for s in checked if s.path is not None}
    sources, _ = discover(settings.context, settings.excludes)
    return [s for s in sources if s.path is not None and resolve(s.path) not in seen]


class FileOutcome:
    """What checking one source gave: its findings, its text (for code frames and index
    findings), or why it could not be read. (Plain class: sent back by parallel workers.)"""

    __slots__ = ("display", "findings", "text", "input_error")

    def __init__(self, display: str, findings: list[Finding], text: Optional[str], input_error: Optional[InputError] = None):
        self.display = display
        self.findings = findings
        self.text = text
        self.input_error = input_error


def check_one(
    checker: Checker, source: Source, raw: Optional[bytes], stdin: Optional[BinaryIO], options: CheckOptions,
) -> FileOutcome:
    try:
        if raw is None:
            raw = _read(source, stdin, options.overlay, options.limits.max_file_size)
    except OSError as err:  # gone, unreadable or no longer a regular file since it was found
        return FileOutcome(source.display, [], None, InputError(source.display, reason(err)))
    except TooLarge as err:
        checker.summary.files += 1
        return FileOutcome(source.display, [_too_large(source, err.size, options.limits.max_file_size)], None)
    found, text = checker.check_source(source, raw)
    return FileOutcome(source.display, found, text)


def _cached_outcomes(
    checker: Checker, sources: list[Source], raws: dict[int, bytes], stdin: Optional[BinaryIO],
    options: CheckOptions, cache: Any,
) -> Iterable[FileOutcome]:
    from k8slint.cache import cached_check
    from k8slint.file_result import merge

    for source in sources:
        if source.path is None:  # stdin: never cached
            yield check_one(checker, source, raws.pop(source.order, None), stdin, options)
            continue
        result = cached_check(checker, source, raws.pop(source.order, None), options, cache)
        merge(checker, result)
        yield result.outcome


# Above this much input (and with more than one core), files are checked by parallel workers.
PARALLEL_BYTES = 2 * 1024 * 1024


def _jobs(requested: Optional[int], sources: list[Source], stdin: Optional[BinaryIO]) -> int:
    """How many processes check the files: --jobs N, or automatically one per core (at most 4)
    for inputs large enough to pay for starting them; one for stdin and small inputs."""
    if requested is not None:
        jobs = requested
    else:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        jobs = min(cores, 4) if _input_bytes(sources) > PARALLEL_BYTES else 1
    if jobs > 1 and (len(sources) < 2 or any(s.path is None for s in sources)):
        return 1
    return max(1, min(jobs, len(sources)))


def run_check(
    options: CheckOptions, stdin: Optional[BinaryIO] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> RunResult:
    """Raises ConfigError (and rule-pack errors) for problems that stop the run (exit 2).

    ``progress(n, total)`` is called as the n-th source is checked.

    The garbage collector is off during the run, and in its workers, which inherit that (see
    k8slint.collector)."""
    with CollectorPaused():
        return _run_check(options, stdin, progress)


def _run_check(
    options: CheckOptions, stdin: Optional[BinaryIO], progress: Optional[Callable[[int, int], None]],
) -> RunResult:
    settings = Settings(options)
    sources, input_errors = discover(options.paths, settings.excludes, options.stdin_filename or "<stdin>")
    if options.only_files is not None:
        only = options.only_files
        sources = [s for s in sources if s.path is None or resolve(s.path) in only]
    checker = Checker(settings, _input_bytes(sources))
    raws: dict[int, bytes] = {}  # kustomizations among the sources, read once
    kustomizations = _kustomizations(sources, stdin, raws, options.overlay)
    checker.partial_files = collect_patches(kustomizations)

    findings: list[Finding] = []
    index_found: list[Any] = []  # the index rules' findings, before folds (for the snapshot)
    index_fixes: list[Any] = []
    texts: dict[str, str] = {}
    jobs = _jobs(options.jobs, sources, stdin)
    cache = None
    snapshot_key = None  # a cached run of files on disk: the key of its snapshot (k8slint.run_snapshot)
    if options.cache_dir is not None:
        from k8slint import run_snapshot
        from k8slint.cache import open_cache

        cache = open_cache(options.cache_dir, settings, checker.store.version)
        if not input_errors and run_snapshot.usable(settings, sources):
            checker.file_facts = {}
            snapshot_key = run_snapshot.run_key(cache, settings, sources, kustomizations)
            answered = run_snapshot.answer(
                snapshot_key, checker, settings, sources, raws, options, cache, kustomizations, progress,
            )
            if answered is not None:
                return answered
    if jobs > 1:
        from k8slint.parallel import check_in_parallel

        outcomes: Iterable[FileOutcome] = check_in_parallel(
            checker, sources, raws, options, jobs, cache, automatic=options.jobs is None,
        )
    elif cache is not None:
        outcomes = _cached_outcomes(checker, sources, raws, stdin, options, cache)
    else:
        outcomes = (check_one(checker, source, raws.pop(source.order, None), stdin, options) for source in sources)
    for done, outcome in enumerate(outcomes, 1):
        if progress is not None:
            progress(done, len(sources))
        if outcome.input_error is not None:
            input_errors.append(outcome.input_error)
        findings.extend(outcome.findings)
        if outcome.text is not None:
            texts[outcome.display] = outcome.text

    if checker.engine.index_rules or checker.schema.deferred:
        for source in _context_sources(settings, sources):
            try:
                raw = read_regular(source.path, options.limits.max_file_size)  # type: ignore[arg-type]
            except (OSError, TooLarge):
                continue
            text, _ = decode(raw)
            if text is None or source.path is None or not_a_manifest(source):
                continue
            if cache is None:
                checker.read_context(_parseable(source, text), source.display)
            else:
                from k8slint.cache import cached_context

                cached_context(checker, source.display, raw, _parseable(source, text), cache)
    if checker.schema.deferred:
        findings.extend(apply_folds(_custom_resource_findings(checker, settings)))
    if checker.engine.index_rules:
        index = Index(
            checker.objects, settings.config.default_namespace, checker.lost_folders,
            collect_generated(kustomizations),
        )
        locate = _Relocator(texts, options.limits.max_documents)
        spans = None
        if cache is not None:
            from k8slint.span_memo import SpanMemo

            spans = SpanMemo(cache)
        clear_notes()  # what the did-you-means compare and choose, for the snapshot
        if jobs > 1:
            from k8slint.parallel import index_findings

            index_found = index_findings(checker.engine, index, locate, jobs, spans)
        else:
            index_found = checker.engine.index_findings(index, locate, spans=spans)
        index_fixes = [f.fix for f in index_found]  # as found: a fix dropped below may apply after an edit
        findings.extend(apply_folds(index_found))
        if spans is not None:
            spans.save()

    if cache is not None:
        cache.prune()
    # Again over every phase: an object rule may explain an index rule's finding (KL622 → KL303).
    findings = _finish(apply_folds(findings), checker, settings)
    _drop_fixes_that_cannot_apply(findings, checker.broken_files, texts)
    summary = checker.summary
    summary.count(findings)
    shown = {f.file for f in findings}
    checked = [o for o in checker.objects if o.checked]
    result = RunResult(
        findings, summary, {f: t for f, t in texts.items() if f in shown}, input_errors, checker.store.version,
        rules=rules_that_ran(settings),
        # made when a report asks (only JUnit lists what passed): 10,000 refs cost 20-30 ms
        objects=lambda: [CheckedObject(o.file, o.file_index, o.ref()) for o in checked],
    )
    result.paths = {s.display: s.path for s in sources if s.path is not None}
    if snapshot_key is not None and not input_errors:
        from k8slint.snapshot_store import record, save

        files = record(
            sources, cache, checker.file_facts or {}, checker.objects, findings, index_found, index_fixes,
            checker.schema._no_schema_reported, COMPARED, CHOSEN,
        )
        if files is not None:
            save(cache, snapshot_key, files)
    return result


def rules_that_ran(settings: Settings) -> list[Any]:
    registry = settings.registry
    return sorted((registry.get(code) for code in settings.enabled), key=lambda r: r.code)


def _drop_fixes_that_cannot_apply(findings: list[Finding], broken: set[str], texts: dict[str, str]) -> None:
    """Only fixes that ``--fix`` can really apply are shown: none in files with syntax errors,
    none whose edit lands on an anchor, a tag or an alias rather than the value itself."""
    fixable = [f for f in findings if f.fix is not None]
    if not fixable:
        return
    from k8slint.fixes import applies

    for finding in fixable:
        text = texts.get(finding.file)
        if finding.file in broken or text is None or not applies(finding.fix, text):
            finding.fix = None


def is_crd(obj: K8sObject) -> bool:
    return (obj.kind == "CustomResourceDefinition" and isinstance(obj.api_version, str)
            and obj.api_version.startswith("apiextensions.k8s.io/"))


def _custom_resource_findings(checker: Checker, settings: Settings, crds: Optional[list[K8sObject]] = None) -> list[Finding]:
    """Custom resources, validated once every CRD of the checked files and context is known
    (``crds``: those CRDs, when the checker does not hold them all)."""
    from k8slint.custom_resources import CustomSchemas

    if crds is None:
        crds = [obj for obj in checker.objects if is_crd(obj)]
    customs = CustomSchemas(crds, settings.schema_locations, checker.store)
    findings: list[Finding] = []
    for obj in checker.schema.deferred:
        findings.extend(checker.schema.check_custom(obj, customs))
        obj.node = obj.doc = obj.relocate = None
    return findings


def _finish(findings: list[Finding], checker: Checker, settings: Settings) -> list[Finding]:
    """Drop disabled rules and suppressed findings, apply configured severities, sort."""
    enabled = settings.enabled
    severities = settings.severities
    kept = []
    for finding in findings:
        if finding.rule not in enabled or not checker.suppressor.keep(finding):
            continue
        if finding.rule in severities:
            finding.severity = severities[finding.rule]
        kept.append(finding)
    if core_rules.UNUSED_SUPPRESSION.code in enabled:
        rule = core_rules.UNUSED_SUPPRESSION
        for directive in checker.suppressor.unused():
            finding = rule.finding(
                directive.file, directive.span, f"suppression {directive.text!r} suppresses nothing",
                "remove it: the problem it hid is gone (or the rule does not fire here)",
                directive.source.ref() if directive.source is not None else None,
                severity=severities.get(rule.code),
            )
            finding.file_index = directive.file_index
            kept.append(finding)
    kept.sort(key=Finding.sort_key)
    return kept
