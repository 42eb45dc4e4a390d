"""Did-you-mean: the closest candidates to a misspelt word."""
from __future__ import annotations

from typing import Iterable, Optional


def distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions).

    Returns ``limit + 1`` as soon as the distance is known to exceed ``limit``.
    """
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = cur[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, prev2[j - 2] + 1)
            cur[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def levenshtein(a: str, b: str) -> int:
    """Levenshtein distance, bit-parallel (Myers/Hyyrö): one pass over ``b``, a few integer
    operations per character, so it can screen thousands of candidate names quickly."""
    if not a:
        return len(b)
    m = len(a)
    mask = (1 << m) - 1
    last = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, c in enumerate(a):
        peq[c] = peq.get(c, 0) | (1 << i)
    pv, mv, score = mask, 0, m
    for c in b:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def max_distance(word: str) -> int:
    n = len(word)
    if n <= 2:
        return 0
    if n <= 4:
        return 1
    return 2 if n <= 12 else 3


def closest(word: str, candidates: Iterable[str], limit: Optional[int] = None) -> list[str]:
    """Candidates nearest to ``word``, best first; ties kept; empty when nothing is close.

    A case-insensitive exact match always wins (``clusterip`` → ``ClusterIP``).
    """
    pool = sorted(set(c for c in candidates if isinstance(c, str)))
    lowered = word.lower()
    same_case = [c for c in pool if c.lower() == lowered and c != word]
    if same_case:
        return same_case
    limit = max_distance(word) if limit is None else limit
    scored = []
    size = len(lowered)
    for cand in pool:
        if abs(len(cand) - size) > limit:
            continue  # cheaper than calling distance() on each of thousands of names
        other = cand.lower()
        # A transposition costs 1 here and 2 in Levenshtein, so Levenshtein > 2*limit rules a
        # candidate out; the fast bit-parallel screen spares the slow exact distance.
        if levenshtein(lowered, other) > 2 * limit:
            continue
        d = distance(lowered, other, limit)
        if d <= limit:
            scored.append((d, cand))
    if not scored:
        return []
    best = min(d for d, _ in scored)
    return [c for d, c in scored if d == best]


def did_you_mean(word: str, candidates: Iterable[str], limit: Optional[int] = None) -> Optional[str]:
    """'did you mean "X"?' (or '"X" or "Y"'), or None."""
    found = closest(word, candidates, limit)
    if not found:
        return None
    return "did you mean " + " or ".join(f'"{c}"' for c in found[:3]) + "?"
