"""KL202: an image that is not pinned: tag `latest`, or no tag and no digest."""
from __future__ import annotations

from typing import Any, Iterator

from k8slint.findings import Severity
from k8slint.images import ImageRef, container_images
from k8slint.rule import Report, Rule
from k8slint.workloads import POD_KINDS

RULE = Rule(
    "KL202", "latest-tag", Severity.WARNING, "images",
    "An image with the tag `latest`, or with no tag (which means `latest`) and no digest.",
    why="`latest` is whatever was pushed last: two nodes can run different code under the "
    "same manifest, a restart can silently upgrade a pod, and a rollback has nothing to go "
    "back to. It also makes `imagePullPolicy` default to `Always`, so every pod start needs "
    "the registry. A version tag (or a digest, `@sha256:...`, which pins the image even "
    "beside `:latest`) makes the running image a reviewed change.",
    example="containers:\n  - name: web\n    image: nginx\n  - name: api\n    image: my-docker-repo/users-api:latest\n",
    use_instead="containers:\n  - name: web\n    image: nginx:1.27.3\n  - name: api\n"
    "    image: my-docker-repo/users-api:1.4.2\n",
)
KINDS = POD_KINDS


def check(obj: Any, ctx: Any) -> Iterator[Report]:
    for path, container, image, ref in container_images(obj):
        if not isinstance(ref, ImageRef) or ref.digest is not None:
            continue
        if ref.tag == "latest":
            message = f'image "{image}" uses the tag "latest", which changes whenever a new image is pushed'
        elif ref.tag is None:
            message = f'image "{image}" has no tag, so it means "{image}:latest", which changes whenever a new image is pushed'
        else:
            continue
        yield Report(
            path + ("image",), message,
            f"pin a version ({ref.short_name}:1.4.2) or a digest ({ref.short_name}@sha256:...), "
            "so that every node runs the same image",
        )
