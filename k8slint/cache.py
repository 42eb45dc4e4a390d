"""The persistent cache: a file whose bytes were checked before, with the same k8slint and the
same settings, is not parsed, validated or run through the single-object rules again.

An entry is the file's ``FileResult`` (findings, objects for the cross-object index,
suppressions, counts), keyed by a SHA-256 of: the k8slint version and its own code, every
setting that changes per-file results (Kubernetes version, enabled rules and severities,
rule packs, default namespace, limits, ...), the file's name as reported, whether it is a
kustomize patch, and its bytes. Cross-object rules run again on the cached facts, unless the
run is answered from the snapshot of the run before (k8slint.run_snapshot): then only the
changed files are read from here.

Safe by construction: entries are written to a temporary file and renamed (concurrent runs
never see half an entry); an unreadable, corrupt or foreign entry is ignored and rewritten;
and entries are read with an unpickler that only accepts k8slint's own data classes, so a
planted cache file cannot run code. ``--no-cache`` turns it off; ``--cache-dir`` moves it;
the folder holds a ``.gitignore`` so that it is never committed. It does not grow forever: a hit
touches its entry, and once a day a run deletes the entries unused for 30 days.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import time
from typing import Any, Iterable, Optional

from k8slint import __version__
from k8slint.discover import read_descriptor
from k8slint.outputs import write_atomically
from k8slint.pathtext import clean, resolve

FORMAT = 1
DEFAULT_NAME = ".k8slint_cache"
KEEP_DAYS = 30  # entries unused for this long are deleted (see Cache.prune)
DAY = 24 * 3600

_ALLOWED = {
    ("k8slint.file_result", "FileResult"), ("k8slint.file_result", "ContextResult"), ("k8slint.run", "FileOutcome"),
    ("k8slint.findings", "Finding"), ("k8slint.findings", "Span"), ("k8slint.findings", "ObjectRef"),
    ("k8slint.findings", "Severity"), ("k8slint.objects", "K8sObject"),
    ("k8slint.fixes", "Fix"), ("k8slint.fixes", "Edit"), ("k8slint.fix_specs", "Op"),
    ("k8slint.suppress", "Directive"), ("builtins", "set"), ("builtins", "frozenset"),
}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a k8slint cache entry")
        return super().find_class(module, name)


def _code_fingerprint() -> bytes:
    """Sizes and times of k8slint's own files: a development checkout that changes its code
    without changing its version does not reuse results of the old code."""
    package = os.path.dirname(os.path.realpath(__file__))
    digest = hashlib.sha256()
    for folder in (package, os.path.join(package, "checks")):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.name.endswith((".py", ".json")):
                st = entry.stat()
                digest.update(f"{entry.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.digest()


def _packs_fingerprint(folders: list[str]) -> bytes:
    """Names and contents of every file under the rule-pack folders (``--rules-dir``)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in _files_below(folder):
            digest.update(path.encode() + b"\0")
            try:
                with open(path, "rb") as f:
                    digest.update(f.read())
            except OSError:  # unreadable now: its name alone goes into the key, and reading
                pass  # the pack reports the problem when the rules are loaded
    return digest.digest()


def _files_below(folder: str) -> list[str]:
    """The files ``Path(folder).rglob("*")`` gives, in the order ``sorted`` puts them (by path
    components): links to folders are not descended, as pathlib's rglob before 3.13."""
    found: list[tuple[list[str], str]] = []
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            path = entry.path
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_file():
                    path = clean(path)  # "./x" under ".": "x", as pathlib names it
                    found.append((path.split(os.sep), path))
            except OSError:
                continue
    found.sort()
    return [path for _, path in found]


def settings_key(settings: Any, kubernetes_version: str) -> bytes:
    options = settings.options
    parts = [
        f"format {FORMAT}", f"k8slint {__version__}", f"kubernetes {kubernetes_version}",
        f"strict {settings.strict_kinds}", f"enabled {sorted(settings.enabled)}",
        f"severities {sorted((k, int(v)) for k, v in settings.severities.items())}",
        f"namespace {settings.config.default_namespace}", f"complete {settings.assume_complete}",
        f"limits {tuple(options.limits)}",
    ]
    digest = hashlib.sha256("\n".join(parts).encode())
    digest.update(_code_fingerprint())
    digest.update(_packs_fingerprint([*settings.config.rules_dirs, *map(clean, options.rules_dirs)]))
    return digest.digest()


class Cache:
    def __init__(self, folder: "str | os.PathLike[str]", key: bytes):
        self.folder = os.path.join(clean(folder), f"v{FORMAT}")
        self._entries = self.folder + os.sep
        self.key_prefix = key
        self.hits = self.misses = 0
        self.keys: dict[str, str] = {}  # file (as reported) → the key of its entry, this run
        self._ready = False

    def key(self, display: str, raw: bytes, partial: bool) -> str:
        digest = hashlib.sha256(self.key_prefix)
        digest.update(display.encode("utf-8", "surrogateescape") + b"\0" + (b"P" if partial else b"-") + b"\0")
        digest.update(raw)
        key = digest.hexdigest()
        if not display.startswith("context:"):
            self.keys[display] = key
        return key

    def _path(self, key: str, suffix: str = "pickle") -> str:
        return f"{self._entries}{key[:2]}{os.sep}{key}.{suffix}"

    def load(self, key: str, expected: Optional[type] = None) -> Any:
        try:
            data = _read_in_use(self._path(key))
            result = _SafeUnpickler(io.BytesIO(data)).load()
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception:  # corrupt, truncated, foreign or planted: check the file again
            self.misses += 1
            return None
        if expected is None:
            from k8slint.file_result import FileResult as expected
        if not isinstance(result, expected):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def read_side(self, key: str, suffix: str) -> Optional[bytes]:
        """The bytes of a file kept beside an entry (see span_memo), or None."""
        try:
            return _read_in_use(self._path(key, suffix))
        except OSError:
            return None

    def write_side(self, key: str, suffix: str, data: bytes) -> None:
        path = self._path(key, suffix)
        try:
            self._prepare()
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomically(path, data)
        except OSError:
            pass  # as store(): only the next run is slower

    def remove_side(self, key: str, suffix: str) -> None:
        try:
            os.unlink(self._path(key, suffix))
        except OSError:
            pass  # none, or another run removed it

    def store(self, key: str, result: Any) -> None:
        path = self._path(key)
        try:
            data = pickle.dumps(_without_text(result), protocol=pickle.HIGHEST_PROTOCOL)
            self._prepare()
            os.makedirs(os.path.dirname(path), exist_ok=True)
            write_atomically(path, data)  # concurrent runs never see half an entry
        except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
            pass  # a cache that cannot be written only makes the next run slower

    def prune(self, now: Optional[float] = None, keep: Iterable[str] = ()) -> int:
        """At most once a day: delete entries no run has used for ``KEEP_DAYS`` days (every hit
        touches its entry), and temporary files that an interrupted write left behind.
        ``keep``: keys of entries in use that this run did not read (a run answered from its
        snapshot, see k8slint.run_snapshot): they are touched first.
        Returns how many files were deleted."""
        now = time.time() if now is None else now
        stamp = os.path.join(self.folder, "last-prune")
        try:
            if now - os.stat(stamp).st_mtime < DAY:
                return 0
        except OSError:
            if not os.path.isdir(self.folder):
                return 0
        deleted = 0
        for key in keep:
            try:
                os.utime(self._path(key), (now, now))
            except OSError:
                pass  # gone: the file is checked again when it is next needed
        try:
            for sub in os.scandir(self.folder):
                if not sub.is_dir(follow_symlinks=False):
                    continue
                for entry in os.scandir(sub.path):
                    age = now - entry.stat(follow_symlinks=False).st_mtime
                    if (entry.name.endswith((".pickle", ".spans", ".snapshot")) and age > KEEP_DAYS * DAY) or (
                        entry.name.endswith(".tmp") and age > DAY
                    ):
                        os.unlink(entry.path)
                        deleted += 1
            open(stamp, "ab").close()  # touch
            os.utime(stamp, (now, now))
        except OSError:
            pass  # another run is pruning too, or the folder is read-only: next time
        return deleted

    def _prepare(self) -> None:
        if self._ready:
            return
        root = os.path.dirname(self.folder)
        os.makedirs(root, exist_ok=True)
        ignore = os.path.join(root, ".gitignore")
        if not os.path.exists(ignore):
            with open(ignore, "w") as f:
                f.write("# k8slint's cache (k8slint check --no-cache to do without); never commit it\n*\n")
        self._ready = True


def _read_in_use(path: str) -> bytes:
    """The file's bytes; it is touched (kept by prune) unless that was done in the last hour.
    Read from the descriptor directly: a buffered file object per entry cost more than the read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if time.time() - st.st_mtime > 3600:
            try:
                os.utime(fd if os.utime in os.supports_fd else path)
            except OSError:
                pass  # a read-only cache: prune() cannot delete anything in it either
        return read_descriptor(fd, st.st_size)
    finally:
        os.close(fd)


def open_cache(folder: "Optional[str | os.PathLike[str]]", settings: Any, kubernetes_version: str) -> Optional[Cache]:
    if folder is None:
        return None
    return Cache(folder, settings_key(settings, kubernetes_version))


def cached_check(checker: Any, source: Any, raw: Optional[bytes], options: Any, cache: Optional[Cache]) -> Any:
    """The FileResult of one source: from the cache when its bytes were checked before."""
    from k8slint.file_result import check_file

    if cache is None or source.path is None:
        return check_file(checker, source, raw, options)
    hit, raw, key = lookup(checker, source, raw, options, cache)
    if hit is not None:
        return hit
    return check_and_store(checker, source, raw, key, options, cache)


def check_and_store(
    checker: Any, source: Any, raw: Optional[bytes], key: Optional[str], options: Any, cache: Cache,
) -> Any:
    """Check a file that ``lookup`` did not find, and store its result under ``key``."""
    from k8slint.file_result import check_file
    from k8slint.run_snapshot import facts_digests, selector_pairs

    result = check_file(checker, source, raw, options)
    if key is not None and result.outcome.input_error is None:
        # for the run's snapshot (k8slint.run_snapshot)
        result.facts = facts_digests(result)
        result.selector_pairs = selector_pairs(result.objects)
        cache.store(key, result)
    return result


def lookup(checker: Any, source: Any, raw: Optional[bytes], options: Any, cache: Cache) -> tuple[Any, Optional[bytes], Optional[str]]:
    """(cached FileResult or None, the file's bytes, its cache key); bytes and key are None
    when the file cannot be read (checking it reports why)."""
    from k8slint.discover import TooLarge
    from k8slint.run import _read

    if raw is None:
        try:
            raw = _read(source, None, options.overlay, options.limits.max_file_size)
        except (OSError, TooLarge):
            return None, None, None
    key = source_key(checker, source, raw, cache)
    hit = cache.load(key)
    if hit is not None:
        hit.renumber(source.order)
        hit.outcome.text = _text(source, raw)
    return hit, raw, key


def source_key(checker: Any, source: Any, raw: bytes, cache: Cache) -> str:
    """The cache key of a source's bytes."""
    partial = bool(checker.partial_files) and resolve(source.path) in checker.partial_files
    return cache.key(source.display, raw, partial)


def _without_text(result: Any) -> Any:
    """A FileResult as stored: without the file's text, which is half of an entry's bytes and
    is decoded again from the bytes read to look the entry up (see _text)."""
    from k8slint.file_result import FileResult
    from k8slint.run import FileOutcome

    if not isinstance(result, FileResult) or result.outcome.text is None:
        return result
    outcome = result.outcome
    return FileResult(
        FileOutcome(outcome.display, outcome.findings, None, outcome.input_error), result.objects,
        result.deferred, result.comments, result.annotations, result.summary, result.lost, result.broken,
        getattr(result, "facts", None), getattr(result, "selector_pairs", None),
    )


def _text(source: Any, raw: bytes) -> Optional[str]:
    """The text that checking the file gave (Checker.check_source): none for files that are not
    manifests or cannot be decoded."""
    from k8slint.loader import decode
    from k8slint.run import not_a_manifest

    return None if not_a_manifest(source) else decode(raw)[0]


def cached_context(checker: Any, display: str, raw: bytes, text: str, cache: Cache) -> None:
    """Read a context file into ``checker``: from the cache when its bytes were read before (a
    pre-commit hook with ``--context .`` reads the whole repository on every commit)."""
    from k8slint.file_result import ContextResult, merge_context, read_context_file

    key = cache.key("context:" + display, raw, False)
    hit = cache.load(key, ContextResult)
    if hit is None:
        hit = read_context_file(checker, display, text)
        cache.store(key, hit)
    merge_context(checker, hit)
