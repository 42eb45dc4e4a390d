"""KL203: an image reference that the container runtime cannot parse."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.images import InvalidImage, container_images
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL203", "invalid-image-reference", Severity.ERROR, "images",
    "An image reference that is not `[host[:port]/]path[:tag][@digest]`: uppercase in the "
    "repository, an empty or malformed tag or digest, whitespace, a placeholder.",
    why="The API server accepts almost any string as an image; the kubelet then fails to "
    "parse it and the pod never starts (InvalidImageName). Repository paths are lowercase "
    "(`[a-z0-9]` words joined by `.`, `_`, `__` or dashes, separated by `/`); only the "
    "registry host and the tag may have uppercase letters. A tag is up to 128 letters, digits, "
    "`_`, `.` and `-`, not starting with `.` or `-`; a digest is `sha256:` and 64 lowercase hex "
    "digits. A first component counts as a registry host when it contains `.` or `:` or is "
    "`localhost` (Docker would read `MyOrg/app` as the host \"MyOrg\").",
    example="containers:\n  - name: app\n    image: registry.example.com/MyTeam/App:1.4\n"
    "  - name: proxy\n    image: \"nginx:\"\n",
    use_instead="containers:\n  - name: app\n    image: registry.example.com/myteam/app:1.4\n"
    "  - name: proxy\n    image: nginx:1.27.3\n",
)
KINDS = POD_KINDS


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    for path, container, image, ref in container_images(obj):
        if not isinstance(ref, InvalidImage):
            continue
        if image.strip() == "":
            cname = container.get("name")
            where = f'container "{cname}"' if isinstance(cname, str) else f"{path[-2]}[{path[-1]}]"
            message = f"the image of {where} is {'empty' if image == '' else 'only whitespace'}"
        else:
            message = f'image "{image}" is invalid: {ref.problem}'
        yield Report(path + ("image",), message, ref.advice)
