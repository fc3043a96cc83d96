"""Near-duplicate documents (syndicated copies of one wire story): MinHash with LSH banding.

Each document gets a MinHash signature of its word 5-shingles; signatures are cut
into bands whose hashes are indexed in the store (each band once per group: a band leads
to the group), so a new document finds its likely copies with one lookup per band. A copy points to the first document of its group
(the smallest id), so a group is the same whatever order its copies came in, and
counts as one source.
"""
from __future__ import annotations

import hashlib
import re
from typing import Optional

import numpy as np

from .sqlutil import among, insert_many

PERMUTATIONS = 128
BANDS = 32          # 32 bands x 4 rows: pairs above ~0.7 Jaccard almost always share a band
ROWS = PERMUTATIONS // BANDS
THRESHOLD = 0.8     # estimated Jaccard similarity that makes two documents copies
SHINGLE = 5
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.RandomState(20240521)
_A = _rng.randint(1, 1 << 31, size=PERMUTATIONS).astype(np.uint64)
_B = _rng.randint(0, 1 << 31, size=PERMUTATIONS).astype(np.uint64)


def shingles(text: str) -> set:
    words = re.findall(r"\w+", text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)}
    return {" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> np.ndarray:
    hs = np.array([int.from_bytes(hashlib.blake2b(s.encode(), digest_size=4).digest(), "little")
                   for s in shingles(text)], dtype=np.uint64)
    # (a * x + b) mod p for every permutation and shingle, then the minimum per permutation
    vals = (np.outer(hs, _A) + _B) % _PRIME
    return vals.min(axis=0)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def encode(sig: np.ndarray) -> str:
    return sig.astype("<u8").tobytes().hex()


def decode(s: str) -> np.ndarray:
    return np.frombuffer(bytes.fromhex(s), dtype="<u8").astype(np.uint64)


def bands(sig: np.ndarray) -> list[tuple[int, str]]:
    return [(i, hashlib.blake2b(sig[i * ROWS:(i + 1) * ROWS].astype("<u8").tobytes(), digest_size=8).hexdigest())
            for i in range(BANDS)]


def assign(con, docs: list, moved: Optional[dict] = None) -> list:
    """For new documents [(id, signature)] in order, the root of the group each copies (or
    None), as if each were looked up after the ones before it were stored: a document may
    copy one of the same batch. Groups that a new document re-roots (its id is smaller) are
    updated in the store, and the new documents' bands are indexed, but only those their
    group does not hold yet: a band leads to a group, so copies of one story add few rows.
    The new documents themselves are not stored here; ``moved`` gets {old root: new root}
    of the stored groups re-rooted."""
    if not docs:
        return []
    doc_bands = [dict(bands(sig)) for _, sig in docs]
    hashes = sorted({h for bs in doc_bands for h in bs.values()})
    cond, params = among(con, "hash", hashes)  # (band, hash, document), without a join with documents
    rows = con.execute(f"SELECT band, hash, document_id FROM document_bands WHERE {cond}", params).fetchall()
    ids = sorted({d for _, _, d in rows})
    stored: dict = {}  # document -> (its root, its signature)
    if ids:
        cond, params = among(con, "id", ids)
        for d, root, minhash in con.execute(f"SELECT id, coalesce(duplicate_of, id), minhash FROM documents"
                                            f" WHERE {cond}", params).fetchall():
            stored[d] = (root, decode(minhash) if minhash else None)
    seen: dict = {}  # (band, hash) -> {stored root: [its documents with that band]}
    for band, h, d in rows:
        if d in stored:
            seen.setdefault((band, h), {}).setdefault(stored[d][0], []).append(d)
    cands = []  # per document: {stored root: its candidates, sharing a band with it}
    for bs in doc_bands:
        c: dict = {}
        for band, h in bs.items():
            for root, members in seen.get((band, h), {}).items():
                c.setdefault(root, set()).update(members)
        cands.append(c)

    def similar_member(sig, members) -> bool:
        return any(stored[m][1] is not None and similarity(sig, stored[m][1]) >= THRESHOLD for m in sorted(members))

    alias: dict = {}  # a root that a new document replaced -> the new root

    def resolve(r):
        while r in alias:
            r = alias[r]
        return r
    out: list = []
    earlier: dict = {}  # (band, hash) -> the documents of this batch before this one that have it
    for k, (doc_id, sig) in enumerate(docs):
        bs = doc_bands[k]
        found = {resolve(r) for r, members in cands[k].items() if similar_member(sig, members)}
        for j in sorted({j for b in bs.items() for j in earlier.get(b, ())}):
            if similarity(sig, docs[j][1]) >= THRESHOLD:
                found.add(resolve(out[j] or docs[j][0]))
        for b in bs.items():
            earlier.setdefault(b, []).append(k)
        best = min(found) if found else None
        if best is not None and doc_id < best:
            alias[best] = doc_id  # the group now hangs from this document
        out.append(best)
    batch = {d for d, _ in docs}
    for old in sorted(alias):
        if old not in batch:  # a stored group re-rooted
            con.execute("UPDATE documents SET duplicate_of = ? WHERE duplicate_of = ? OR id = ?",
                        [resolve(old), old, old])
            if moved is not None:
                moved[old] = resolve(old)
    final = [resolve(r or d) for r, (d, _) in zip(out, docs)]  # a document of this batch may be re-rooted too
    held = {(b, h, resolve(r)) for (b, h), roots in seen.items() for r in roots}  # bands each group holds
    rows = []
    for (doc_id, _), bs, root in zip(docs, doc_bands, final):
        for b, h in bs.items():
            if (b, h, root) not in held:
                held.add((b, h, root))
                rows.append((b, h, doc_id))
    insert_many(con, "INSERT INTO document_bands (band, hash, document_id)", rows, "ON CONFLICT DO NOTHING")
    return [None if r == d else r for r, (d, _) in zip(final, docs)]
