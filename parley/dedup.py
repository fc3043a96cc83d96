"""Near-duplicate documents (syndicated copies of one wire story): MinHash with LSH banding.

Each document gets a MinHash signature of its word 5-shingles; signatures are cut
into bands whose hashes are indexed in the store, so a new document finds its likely
copies with one lookup per band. A copy points to the first document of its group
(the smallest id), so a group is the same whatever order its copies came in, and
counts as one source.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

from .sqlutil import insert_many

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


def find_duplicate(con, sig: np.ndarray):
    """The group root of a stored document this one copies, or None."""
    bs = dict(bands(sig))
    marks = ",".join("?" * len(bs))
    cands = con.execute(f"SELECT d.id, d.minhash, coalesce(d.duplicate_of, d.id), b.band, b.hash"
                        f" FROM document_bands b JOIN documents d ON d.id = b.document_id"
                        f" WHERE b.hash IN ({marks})", list(bs.values())).fetchall()
    best = None
    for doc_id, minhash, root, band, h in cands:
        if bs.get(band) == h and minhash and similarity(sig, decode(minhash)) >= THRESHOLD:
            best = root if best is None else min(best, root)
    return best


def index(con, doc_id: str, sig: np.ndarray, root) -> None:
    """Index the new document's bands and join it to its group (re-rooting it if need be)."""
    insert_many(con, "INSERT INTO document_bands (band, hash, document_id)",
                [(b, h, doc_id) for b, h in bands(sig)], "ON CONFLICT DO NOTHING")
    if root is None:
        return
    new_root = min(root, doc_id)
    con.execute("UPDATE documents SET duplicate_of = ? WHERE id = ? OR duplicate_of = ? OR id = ?",
                [new_root, doc_id, root, root])
    con.execute("UPDATE documents SET duplicate_of = NULL WHERE id = ?", [new_root])
