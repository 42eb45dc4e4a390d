"""Container image references: ``[host[:port]/]path[:tag][@digest]``, parsed the way the
kubelet's container runtime parses them (the Docker/distribution reference grammar), with
what is malformed and, when it is obvious, the corrected reference.

The API server accepts almost any string as an image (it only rejects an empty image in a
Pod and leading or trailing whitespace); everything else fails later, on the node, as
``InvalidImageName``. ``parse_image`` finds those before the rollout.

One deliberate difference from Docker: Docker reads a first component with uppercase letters
(``MyOrg/app``) as a registry host, which then cannot be resolved. Here a first component is
a registry host only when it contains ``.`` or ``:`` or is ``localhost``, so ``MyOrg/app`` is
reported as a repository with uppercase letters (what was meant is ``myorg/app``).
IPv6 registry hosts (``[::1]:5000/app``) are accepted without a closer look.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator, Optional, Union

from k8slint.named_tuple import NamedTuple

DEFAULT_REGISTRY = "docker.io"
MAX_NAME = 255  # registry + repository
MAX_TAG = 128

# The grammar's patterns are checked with plain string code, not regular expressions: re's
# compiler is pure Python, and compiling the patterns cost a one-file check more than parsing
# every image in it. Each check names the expression it stands for; tests/test_images.py keeps
# those expressions and compares. The two patterns only odd references need (a URL scheme, a
# placeholder) are still expressions, compiled on first use (re caches them).
_DIGITS = "0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_LETTERS = _LOWER + _LOWER.upper()
_COMPONENT_CHARS = frozenset(_LOWER + _DIGITS + "._-")
_SEPARATORS = "._-"
# A run of separators is one of ".", "_", "__", "-", "--", ... exactly when it contains none
# of these: two dots, three underscores, or two different separators side by side.
_BAD_SEPARATOR_RUNS = ("..", "___", "._", "_.", ".-", "-.", "_-", "-_")
_LABEL_CHARS = frozenset(_LETTERS + _DIGITS + "-")
_HEX_DIGITS = frozenset(_DIGITS + "abcdefABCDEF")
_IPV6_CHARS = _HEX_DIGITS | {":"}
_LOWER_HEX = frozenset(_DIGITS + "abcdef")
_TAG_CHARS = frozenset(_LETTERS + _DIGITS + "_.-")
_ALGORITHM = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*\Z"  # compiled on first use (re caches it)
_DIGEST_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}  # each matches _ALGORITHM: no need to check
_SCHEME = r"([A-Za-z][A-Za-z0-9+.-]*)://"  # compiled on first use (re caches it)
_PLACEHOLDER = r"\$\{[^}]*\}?|\$\([^)]*\)?|\$[A-Za-z_][A-Za-z0-9_]*|\{\{.*?(?:\}\}|\Z)|<[^<>]*>"  # ditto


def _is_component(text: str) -> bool:
    """A repository path component: ``[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*``."""
    if not text or not _COMPONENT_CHARS.issuperset(text):
        return False
    if text.isalnum():
        return True  # no separators: "nginx", "library"
    if text[0] in _SEPARATORS or text[-1] in _SEPARATORS:
        return False
    return not any(run in text for run in _BAD_SEPARATOR_RUNS)


def _is_host(text: str) -> bool:
    r"""A registry host without its port: dot-separated labels of letters, digits and "-" that
    neither start nor end with "-", or an IPv6 address in brackets:
    ``(?:LABEL(?:\.LABEL)*|\[[a-fA-F0-9:]+\])``, LABEL ``[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]``."""
    if text.startswith("["):
        return len(text) > 2 and text.endswith("]") and _IPV6_CHARS.issuperset(text[1:-1])
    for label in text.split("."):
        if not label or not _LABEL_CHARS.issuperset(label) or label[0] == "-" or label[-1] == "-":
            return False
    return True


def _is_tag(text: str) -> bool:
    """A tag: ``[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}``."""
    return 0 < len(text) <= MAX_TAG and text[0] not in ".-" and _TAG_CHARS.issuperset(text)


def _is_image_id(text: str) -> bool:
    """64 lowercase hex digits, ``[a-f0-9]{64}``: an image ID, which is not a repository name."""
    return len(text) == 64 and _LOWER_HEX.issuperset(text)


def _has_whitespace(text: str) -> bool:
    """Whether a character of text is whitespace (what ``\\s`` matches: ``str.isspace``)."""
    return "".join(text.split()) != text


def _placeholder(text: str) -> Optional[re.Match]:
    """The first placeholder (``${X}``, ``$(X)``, ``$X``, ``{{ x }}``, ``<x>``) in text, if any."""
    if "$" not in text and "{" not in text and "<" not in text:
        return None  # each starts with one of them: most images need no pattern
    return re.search(_PLACEHOLDER, text)


def _scheme(text: str) -> Optional[re.Match]:
    """A URL scheme ("https://") at the start of text, if there is one."""
    return re.match(_SCHEME, text) if "://" in text else None


class ImageRef(NamedTuple):
    """A well-formed image reference, its parts as written."""

    registry: Optional[str]  # "gcr.io", "localhost:5000"; None when implied (Docker Hub)
    repository: str  # the path below the registry: "proj/img", "nginx"
    tag: Optional[str]
    digest: Optional[str]  # "sha256:<hex>"

    @property
    def domain(self) -> str:
        """The registry the image is pulled from ("docker.io" when none is written)."""
        return self.registry or DEFAULT_REGISTRY

    @property
    def name(self) -> str:
        """Registry and repository as written: "gcr.io/proj/img", "nginx"."""
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    @property
    def full_name(self) -> str:
        """The normalized name: "nginx" → "docker.io/library/nginx"."""
        repository = self.repository
        if self.domain == DEFAULT_REGISTRY and "/" not in repository:
            repository = "library/" + repository
        return f"{self.domain}/{repository}"

    @property
    def short_name(self) -> str:
        """The last path component: "gcr.io/proj/img" → "img"."""
        return self.repository.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        text = self.name
        if self.tag is not None:
            text += ":" + self.tag
        if self.digest is not None:
            text += "@" + self.digest
        return text


class InvalidImage(NamedTuple):
    """Why a string is not an image reference."""

    reference: str
    part: str  # image | placeholder | registry | repository | tag | digest
    problem: str  # what is malformed, to follow "image "X" is invalid: "
    advice: str  # what to do, one phrase (a corrected form included when there is one)
    fix: Optional[str] = None  # the corrected reference, when it is obvious


ParsedImage = Union[ImageRef, InvalidImage]


@lru_cache(maxsize=4096)
def parse_image(ref: str) -> ParsedImage:
    """An ``ImageRef`` for a well-formed reference, else an ``InvalidImage`` saying why."""
    if ref == "":
        return InvalidImage(ref, "image", "the image is empty", 'write the image to run, e.g. "nginx:1.27"')
    if ref.strip() != ref:
        stripped = ref.strip()
        if not stripped:
            return InvalidImage(ref, "image", "the image is only whitespace", 'write the image to run, e.g. "nginx:1.27"')
        fix = _valid(stripped)
        return InvalidImage(
            ref, "image", "it has leading or trailing whitespace, which the API server rejects",
            _with_fix("remove the whitespace", fix), fix,
        )
    placeholder = _placeholder(ref)
    if placeholder:
        text = placeholder.group(0)
        whole = text == ref
        problem = (
            "it is a placeholder, not an image reference" if whole
            else f'it contains the placeholder "{text}", which nothing has replaced'
        )
        advice = "replace it with the image to run" if whole else (
            "replace the placeholder before applying (e.g. with envsubst, kustomize or helm), "
            "or write the value"
        )
        return InvalidImage(ref, "placeholder", problem, advice)
    if _has_whitespace(ref):
        candidate = re.sub(r"\s*([:/@])\s*", r"\1", ref)
        fix = _valid(candidate) if not _has_whitespace(candidate) else None
        return InvalidImage(ref, "image", "it contains whitespace", _with_fix("remove the whitespace", fix), fix)
    scheme = _scheme(ref)
    if scheme:
        fix = _valid(ref[scheme.end():])
        return InvalidImage(
            ref, "registry", f'it starts with "{scheme.group(0)}"; image references have no URL scheme',
            _with_fix(f'remove "{scheme.group(0)}"', fix), fix,
        )
    return _parse(ref)


def _parse(ref: str) -> ParsedImage:
    name_tag, at, digest = ref.partition("@")
    if at:
        if "@" in digest:
            return InvalidImage(ref, "digest", 'it has more than one "@"', 'keep one digest: "@sha256:<64 hex digits>"')
        problem = _digest_problem(digest)
        if problem:
            return InvalidImage(ref, "digest", problem, "write the whole digest: sha256: and 64 lowercase hex digits "
                                "(`docker buildx imagetools inspect IMAGE` shows it)")
    slash = name_tag.rfind("/")
    last = name_tag[slash + 1:]
    tag: Optional[str] = None
    name = name_tag
    if ":" in last:
        if last.count(":") > 1:
            return InvalidImage(ref, "tag", f'"{last}" has more than one ":"', 'write one ":" between the repository and the tag')
        name, _, tag = name_tag.rpartition(":")
        tag_invalid = _tag_problem(ref, name, tag, at + digest)
        if tag_invalid:
            return tag_invalid
    if name == "":
        return InvalidImage(ref, "repository", "it has no repository name, only a tag or digest",
                            'write the repository before the tag, e.g. "nginx:1.27"')
    if len(name) > MAX_NAME:
        return InvalidImage(ref, "repository", f"the name is {len(name)} characters long; at most {MAX_NAME} are allowed",
                            "shorten the repository name")
    registry: Optional[str] = None
    path = name
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, path = first, rest
        problem = _registry_problem(registry)
        if problem:
            return InvalidImage(ref, "registry", problem, "write the registry as host or host:port, e.g. registry.example.com:5000")
    repo_invalid = _repository_problem(ref, registry, path, tag, at + digest)
    if repo_invalid:
        return repo_invalid
    if registry is None and _is_image_id(path):
        return InvalidImage(ref, "repository", "a repository name cannot be 64 hexadecimal digits (that is an image ID)",
                            "use the repository name and a tag or digest")
    return ImageRef(registry, path, tag, digest if at else None)


def _digest_problem(digest: str) -> Optional[str]:
    if digest == "":
        return 'the digest after "@" is empty'
    algorithm, colon, encoded = digest.partition(":")
    if not colon:
        return f'digest "{digest}" has no algorithm (expected sha256:<64 hex digits>)'
    if algorithm not in _DIGEST_LENGTHS and not re.match(_ALGORITHM, algorithm):
        return f'digest algorithm "{algorithm}" is invalid'
    if not encoded:
        return f'digest "{digest}" has no hex digits after "{algorithm}:"'
    if not _HEX_DIGITS.issuperset(encoded):
        bad = next(c for c in encoded if c not in "0123456789abcdefABCDEF")
        return f'digest "{digest}" has "{bad}", which is not a hex digit'
    expected = _DIGEST_LENGTHS.get(algorithm)
    if expected is None:
        return f'digest algorithm "{algorithm}" is not supported (use sha256, sha384 or sha512)'
    if len(encoded) != expected:
        return f'a {algorithm} digest has {expected} hex digits, this one has {len(encoded)}'
    if encoded != encoded.lower():
        return f"{algorithm} digests are written in lowercase hex"
    return None


def _tag_problem(ref: str, name: str, tag: str, digest: str) -> Optional[InvalidImage]:
    if tag == "":
        return InvalidImage(ref, "tag", 'the tag after ":" is empty',
                            f'write a tag after ":" (e.g. "{name}:1.2.3") or remove the ":"')
    if _is_tag(tag):
        return None
    if len(tag) > MAX_TAG:
        return InvalidImage(ref, "tag", f'tag "{tag[:20]}..." is {len(tag)} characters long; at most {MAX_TAG} are allowed',
                            "use a shorter tag")
    if tag[0] in ".-":
        trimmed = tag.lstrip(".-")
        fix = _valid(f"{name}:{trimmed}{digest}") if trimmed else None
        return InvalidImage(ref, "tag", f'tag "{tag}" starts with "{tag[0]}"; a tag starts with a letter, digit or "_"',
                            _with_fix(f'remove the leading "{tag[0]}"', fix), fix)
    bad = next(c for c in tag if not (c.isascii() and (c.isalnum() or c in "_.-")))
    return InvalidImage(ref, "tag", f'tag "{tag}" contains "{bad}"; tags may contain only letters, digits, "_", "." and "-"',
                        'write "_" or "-" instead of "+"' if bad == "+" else f'remove "{bad}" from the tag')


def _registry_problem(registry: str) -> Optional[str]:
    if registry.startswith("["):
        return None  # an IPv6 address: accepted as written
    host, colon, port = registry.partition(":")
    if colon and not port:
        return f'registry "{registry}" has an empty port after ":"'
    if colon and not port.isdigit():
        return f'registry "{registry}" has the port "{port}", which is not a number'
    if not _is_host(host):
        return f'registry "{registry}" is not a valid host name'
    return None


def _repository_problem(
    ref: str, registry: Optional[str], path: str, tag: Optional[str], digest: str
) -> Optional[InvalidImage]:
    components = path.split("/")
    if any(c == "" for c in components):
        cleaned = "/".join(c for c in components if c)
        fix = _valid(_join(registry, cleaned, tag, digest)) if cleaned else None
        where = f'repository "{path}"' if path else "the repository"
        return InvalidImage(ref, "repository", f'{where} has an empty path component (a "/" too many)',
                            _with_fix('remove the extra "/"', fix), fix)
    for component in components:
        if _is_component(component):
            continue
        lowered = component.lower()
        if _is_component(lowered):
            fixed_path = path.lower()
            fix = _valid(_join(registry, fixed_path, tag, digest))
            if any(not _is_component(c) for c in fixed_path.split("/")):
                break  # another component is wrong in another way: report that one
            return InvalidImage(ref, "repository", f'repository "{path}" has uppercase letters (only the registry host and the tag may)',
                                _with_fix("use lowercase", fix), fix)
    for component in components:
        lowered = component.lower()
        if _is_component(lowered):
            continue
        bad = next((c for c in lowered if not (c.isascii() and (c.isdigit() or "a" <= c <= "z" or c in "._-"))), None)
        if bad is not None:
            return InvalidImage(ref, "repository", f'repository "{path}" contains "{bad}"; repository names may contain '
                                'only lowercase letters, digits, ".", "_", "-" and "/"', f'remove "{bad}" from the repository')
        return InvalidImage(ref, "repository", f'path component "{component}" of repository "{path}" must start and end '
                            'with a letter or digit, and separate words with one ".", one or two "_", or dashes',
                            "fix the separators in the repository name")
    return None


def _join(registry: Optional[str], path: str, tag: Optional[str], digest: str) -> str:
    text = f"{registry}/{path}" if registry else path
    if tag is not None:
        text += ":" + tag
    return text + digest


def _valid(candidate: str) -> Optional[str]:
    """The candidate if it is a well-formed reference, else None."""
    return candidate if candidate and isinstance(parse_image(candidate), ImageRef) else None


def _with_fix(advice: str, fix: Optional[str]) -> str:
    return f'{advice}: "{fix}"' if fix else advice


def latest_typo(tag: str) -> bool:
    """Whether a tag is a misspelling of "latest" ("lastest", "latset", "Latest", "latest1").

    Within edit distance 2 of "latest" (ignoring case), and starting with "l" or ending with
    "atest", so that real tags such as "test" or "stable" never count; English words that
    are that close ("late", "later", "last", "latex", "latent", ...) do not count either.
    """
    from k8slint.suggest import distance

    lowered = tag.lower()
    if tag == "latest" or lowered in _NEAR_WORDS:
        return False
    if not (lowered.startswith("l") or lowered.endswith("atest")):
        return False
    return distance(lowered, "latest", 2) <= 2


# English words within distance 2 of "latest" that start with "l": plausible tags, not typos.
_NEAR_WORDS = frozenset({
    "late", "later", "last", "latex", "latent", "lest", "lowest", "largest", "lamest", "laxest",
    "lazest", "lakes", "lanes", "laces", "lattes", "lathes", "lutist",
})


def container_images(obj: Any) -> Iterator[tuple[tuple, dict, str, ParsedImage]]:
    """(path of the container, the container, its image, the parsed image) for every container
    of a workload whose image is a string: what the image rules look at."""
    from k8slint.workloads import pod_containers

    for path, container in pod_containers(obj):
        image = container.get("image")
        if isinstance(image, str):
            yield path, container, image, parse_image(image)
