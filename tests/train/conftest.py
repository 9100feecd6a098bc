"""The real chrI cut into three chromosomes (train, valid, test), shared by the training tests."""

import json

import numpy as np
import pyBigWig
import pytest

from gategenome.io.fasta import Genome
from gategenome.train.files import TrainInputs

CUTS = (0, 150_000, 190_000, 230_218)


@pytest.fixture(scope="module")
def chr_i(mini, tmp_path_factory):
    """chrI cut into three chromosomes (train, valid, test) with its signal, Tn5 insertions and MACS3 peaks.

    ``insertions`` is set: tests of ``target: regions`` leave it out of ``run_train``."""
    root = tmp_path_factory.mktemp("chrI")
    genome = Genome(mini["genome"])
    names = ["chrA", "chrB", "chrC"]
    pieces = list(zip(names, CUTS[:-1], CUTS[1:]))
    fasta = root / "genome.fa"
    fasta.write_text("".join(f">{name}\n{genome.fetch('chrI', start, end).decode()}\n" for name, start, end in pieces))
    signal = root / "signal.bw"
    _split_bigwig(mini["signal"], signal, pieces)
    insertions = root / "insertions.bw"
    _split_bigwig(mini["cutsites"], insertions, pieces)
    regions = root / "regions.bed"
    lines = []
    for line in mini["peaks"].read_text().splitlines():
        _, a, b = line.split("\t")[:3]
        for name, start, end in pieces:
            lo, hi = max(int(a), start), min(int(b), end)
            if lo < hi:
                lines.append(f"{name}\t{lo - start}\t{hi - start}\n")
    regions.write_text("".join(lines))
    folds = root / "folds.json"
    folds.write_text(json.dumps({"train": ["chrA"], "valid": ["chrB"], "test": ["chrC"]}))
    return TrainInputs(genome=str(fasta), regions=str(regions), folds=str(folds), signal=str(signal),
                       insertions=str(insertions))


def _split_bigwig(source_path, path, pieces):
    """chrI's values of ``source_path`` written to ``path`` as the ``(name, start, end)`` pieces."""
    source = pyBigWig.open(str(source_path))
    values = np.nan_to_num(source.values("chrI", 0, CUTS[-1], numpy=True))
    source.close()
    out = pyBigWig.open(str(path), "w")
    out.addHeader([(name, end - start) for name, start, end in pieces])
    for name, start, end in pieces:
        out.addEntries(name, 0, values=values[start:end].astype(float).tolist(), span=1, step=1)
    out.close()
