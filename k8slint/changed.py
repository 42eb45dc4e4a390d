"""``--changed-since REF``: the files git says changed since REF (committed, staged, unstaged
or untracked), compared with the merge base of REF and HEAD when there is one, so that on a
pull-request branch only the branch's own changes count."""
from __future__ import annotations

import os


class GitError(ValueError):
    """git is missing, the folder is not a repository, or the ref is unknown (exit 2)."""


def _git(args: list[str], cwd: str) -> str:
    import subprocess  # only --changed-since runs git

    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except FileNotFoundError:
        raise GitError("--changed-since needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} did not finish within 60 s") from None
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise GitError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return done.stdout


def changed_files(ref: str, cwd: str = ".") -> set[str]:
    """Resolved paths of the existing files changed since ``ref`` (text, as the rest of a run)."""
    from k8slint.pathtext import clean, resolve

    if ref.startswith("-"):
        raise GitError(f"--changed-since: {ref!r} is not a git ref")
    top = clean(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    except GitError:
        raise GitError(f"--changed-since: {ref!r} is not a commit, branch or tag of {top}") from None
    try:
        base = _git(["merge-base", ref, "HEAD"], cwd).strip() or ref
    except GitError:
        base = ref
    names = _git(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", base, "--"], cwd)
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], cwd)
    files = {resolve(os.path.join(top, name)) for name in names.split("\0") if name}
    prefix = _git(["rev-parse", "--show-prefix"], cwd).strip() or "."
    files |= {resolve(os.path.join(top, prefix, name)) for name in untracked.split("\0") if name}
    return {f for f in files if os.path.isfile(f)}
