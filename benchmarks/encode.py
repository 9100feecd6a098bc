"""One-hot encoding throughput on the whole yeast genome, single-threaded.

Reads every chromosome of sacCer3 through :class:`gategenome.io.fasta.Genome`
and times :func:`gategenome.encode.one_hot` (uint8 and float32) against two
references measured in the same run on the same bytes:

- ``numpy.frombuffer(...).copy()``: a plain copy of the sequence bytes, the floor
  of any encoder (the one-hot output is 4x larger, so ~4x slower is ideal);
- the 256 x 4 lookup table indexed with the bytes (``table[codes]``), the usual
  way to one-hot encode in numpy.

Prints Mb/s (best of --repeats) and the ratios.  Target: one_hot uint8 >= 300 Mb/s.

Usage: python benchmarks/encode.py [--genome FA] [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from gategenome.encode import _ONE_HOT, one_hot  # noqa: E402
from gategenome.io.fasta import Genome  # noqa: E402

DEFAULT_GENOME = Path(__file__).resolve().parents[2] / "shared/data/yeast_sacCer3_atac_SRR1822137/sacCer3.fa"


def best_rate(function, sequences: list[bytes], repeats: int) -> float:
    """Best throughput in Mb/s of ``function`` applied to every sequence."""
    bases = sum(map(len, sequences))
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for sequence in sequences:
            function(sequence)
        best = min(best, time.perf_counter() - start)
    return bases / best / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--genome", default=str(DEFAULT_GENOME))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with Genome(args.genome) as genome:
        sequences = [genome.fetch(name) for name in genome.sizes]
    bases = sum(map(len, sequences))
    sample = sequences[0][:10_001] + b"acgtNRY"
    assert np.array_equal(one_hot(sample, np.uint8), _ONE_HOT[np.frombuffer(sample, np.uint8)])

    rates = {
        "copy (numpy.frombuffer().copy())": best_rate(lambda s: np.frombuffer(s, np.uint8).copy(), sequences, args.repeats),
        "lookup table[bytes] uint8": best_rate(lambda s: _ONE_HOT[np.frombuffer(s, np.uint8)], sequences, args.repeats),
        "one_hot uint8": best_rate(lambda s: one_hot(s, np.uint8), sequences, args.repeats),
        "one_hot float32": best_rate(lambda s: one_hot(s, np.float32), sequences, args.repeats),
    }
    copy = rates["copy (numpy.frombuffer().copy())"]
    table = rates["lookup table[bytes] uint8"]
    print(f"genome {args.genome}: {len(sequences)} sequences, {bases / 1e6:.2f} Mb, best of {args.repeats}")
    for name, rate in rates.items():
        print(f"{name:36s} {rate:9.1f} Mb/s   copy/this {copy / rate:6.1f}x   this/table {rate / table:5.1f}x")
    verdict = "meets" if rates["one_hot uint8"] >= 300 else "misses"
    print(f"one_hot uint8 {rates['one_hot uint8']:.0f} Mb/s {verdict} the 300 Mb/s target")


if __name__ == "__main__":
    main()
