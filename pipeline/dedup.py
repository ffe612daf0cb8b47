"""Near-duplicate detection: the same wire story on several sites.

Each article gets a MinHash signature of its word 5-shingles. The signature is cut into bands;
two articles that share any band are candidates, and a candidate whose estimated Jaccard
similarity reaches the threshold is a near-duplicate. Band hashes are stored in the database
(``article_lsh_bands``), so finding candidates is an indexed SQL lookup that works across runs
and across workers, with no in-memory index to rebuild.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
"""32 bands of 4 rows: pairs at Jaccard 0.8 share a band with probability > 0.999, pairs at 0.3
with probability < 0.23; the exact check on the signature then decides."""

SHINGLE_WORDS = 5
THRESHOLD = 0.8
"""Estimated Jaccard similarity of shingles from which two texts are the same story."""

MIN_WORDS = 30
"""Shorter texts are not fingerprinted: a few shared sentences would make them look alike."""

_WORD = re.compile(r"\w+")
_SEED = 1  # fixed, so signatures stored by one run compare with the next run's


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: bytes
    """The MinHash hash values (uint64, little-endian), stored with the article."""
    bands: tuple[int, ...]
    """One signed 63-bit hash per band, stored in ``article_lsh_bands``."""


def fingerprint(text: str) -> Fingerprint | None:
    """The MinHash fingerprint of a text, or ``None`` when it is too short to judge."""
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    shingles = {" ".join(words[i:i + SHINGLE_WORDS])
                for i in range(len(words) - SHINGLE_WORDS + 1)}
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    values = minhash.hashvalues.astype("<u8")
    bands = tuple(
        int.from_bytes(hashlib.blake2b(values[b * ROWS:(b + 1) * ROWS].tobytes(),
                                       digest_size=8).digest(), "little", signed=True) >> 1
        for b in range(BANDS)
    )
    return Fingerprint(values.tobytes(), bands)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two stored signatures."""
    left, right = np.frombuffer(a, dtype="<u8"), np.frombuffer(b, dtype="<u8")
    return float(np.count_nonzero(left == right)) / len(left)
