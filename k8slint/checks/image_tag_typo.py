"""KL201: an image tag that is a misspelling of `latest` (`lastest`, `latset`, `Latest`)."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.fix_specs import UNSAFE, set_value
from k8slint.images import ImageRef, container_images, latest_typo
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL201", "image-tag-typo", Severity.ERROR, "images",
    "An image tag that is a misspelling of `latest`, such as `lastest` or `Latest`.",
    why="Tags are case-sensitive names, not versions: `app:lastest` asks the registry for a "
    "tag called \"lastest\", which almost certainly does not exist, so every pod fails with "
    "ErrImagePull / ImagePullBackOff. The API server cannot know, and accepts it. A tag "
    "counts as a misspelling when it is within two edits of `latest` (ignoring case) and "
    "starts with \"l\" or ends with \"atest\"; English words that close (`late`, `last`, "
    "`later`, `latex`, `latent`, ...) are taken as meant. A digest (`@sha256:...`) pins the "
    "image whatever the tag says, so tags beside a digest are not checked.",
    example="containers:\n  - name: app\n    image: my-docker-hub/app:lastest\n",
    use_instead="containers:\n  - name: app\n    image: my-docker-hub/app:1.4.2\n",
    # The intended tag is always "latest"; the fix restores it, unsafe because a version should
    # be pinned instead. Not offered where the YAML allows no clean edit (an anchored image, ...).
    fixable="sometimes",
)
KINDS = POD_KINDS
INTENDED = "latest"  # the only tag latest_typo() knows misspellings of


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    for path, container, image, ref in container_images(obj):
        if not isinstance(ref, ImageRef) or ref.tag is None or ref.digest is not None:
            continue
        if not latest_typo(ref.tag):
            continue
        case = " (tags are case-sensitive)" if ref.tag.lower() == "latest" else ""
        fix = None
        if image.endswith(":" + ref.tag):  # no digest (skipped above): the tag ends the string
            fixed = image[: len(image) - len(ref.tag)] + INTENDED
            fix = set_value(path + ("image",), fixed, f'replace tag "{ref.tag}" with "{INTENDED}"', UNSAFE)
        yield Report(
            path + ("image",),
            f'image tag "{ref.tag}" of "{image}" is not "latest"{case}; no such tag is likely to exist',
            f'did you mean "latest"? Better: pin a version ({ref.short_name}:1.4.2) or a digest, '
            "so that every node runs the same image",
            fix=fix,
        )
