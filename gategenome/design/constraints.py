"""Synthesis constraints on designed DNA: GC windows, homopolymers, forbidden motifs.

Vendors reject long homopolymers and extreme GC content, and a designed sequence
must not contain the restriction sites used to clone it.  A
:class:`SequenceConstraints` checks a sequence against all of them (forbidden
motifs on both strands, IUPAC codes allowed), tells whether any sequence at all can
satisfy them (:meth:`SequenceConstraints.require_feasible`) and builds random
sequences that satisfy them (:func:`random_sequence`), with a bounded number of
steps: an impossible set of constraints fails fast instead of searching forever.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass

import numpy as np

from gategenome.core.encode import encode_codes, reverse_complement_bytes
from gategenome.design.settings import ConstraintSettings
from gategenome.errors import ConfigError

#: IUPAC nucleotide codes and the bases they stand for.
IUPAC = {
    "A": "A",
    "C": "C",
    "G": "G",
    "T": "T",
    "U": "T",
    "R": "AG",
    "Y": "CT",
    "S": "CG",
    "W": "AT",
    "K": "GT",
    "M": "AC",
    "B": "CGT",
    "D": "AGT",
    "H": "ACT",
    "V": "ACG",
    "N": "ACGT",
}
_GC = np.array([0, 1, 1, 0, 0], dtype=np.int32)


def motif_regex(motif: str) -> re.Pattern:
    """Compile an IUPAC motif into a regular expression over A, C, G, T.

    Raises
    ------
    ConfigError
        Empty motif or a letter that is not an IUPAC nucleotide code.
    """
    motif = motif.strip().upper()
    if not motif:
        raise ConfigError("--avoid: got an empty motif, expected IUPAC letters such as GAATTC")
    bad = sorted(set(motif) - set(IUPAC))
    if bad:
        raise ConfigError(
            f"--avoid {motif}: {''.join(bad)!r} is not an IUPAC nucleotide code; expected letters of {''.join(IUPAC)}"
        )
    # a lookahead finds overlapping occurrences too
    return re.compile("(?=(" + "".join(f"[{IUPAC[letter]}]" for letter in motif) + "))")


def longest_homopolymer(sequence: str) -> int:
    """Length of the longest run of one base (0 for an empty sequence)."""
    codes = encode_codes(sequence)
    if codes.size == 0:
        return 0
    change = np.flatnonzero(np.diff(codes.astype(np.int16)) != 0)
    bounds = np.concatenate([[-1], change, [codes.size - 1]])
    return int(np.diff(bounds).max())


def gc_fraction(sequence: str) -> float:
    """Fraction of G and C among all bases."""
    return float(_GC[encode_codes(sequence)].mean()) if sequence else 0.0


def window_gc(sequence: str, window: int) -> np.ndarray:
    """GC fraction of every sliding window (the whole sequence when it is shorter).

    Returns
    -------
    numpy.ndarray
        ``(max(1, L - window + 1),)`` fractions.
    """
    gc = _GC[encode_codes(sequence)]
    width = min(window, gc.size)
    if width == 0:
        return np.zeros(1)
    cumulative = np.concatenate([[0], np.cumsum(gc)])
    return (cumulative[width:] - cumulative[:-width]) / width


@dataclass
class SequenceConstraints(ConstraintSettings):
    """Constraints a designed sequence must satisfy, and their checks.

    The fields (GC range per window, longest homopolymer, forbidden motifs) are
    those of :class:`gategenome.design.settings.ConstraintSettings`; motifs are
    upper-cased and compiled on construction.
    """

    def __post_init__(self) -> None:
        if not 0.0 <= self.gc_min <= 1.0 or not 0.0 <= self.gc_max <= 1.0:
            raise ConfigError(f"--gc-min/--gc-max: got {self.gc_min}/{self.gc_max}, expected fractions in [0, 1]")
        if self.gc_min > self.gc_max:
            raise ConfigError(f"--gc-min {self.gc_min} is above --gc-max {self.gc_max}; expected gc-min <= gc-max")
        if self.gc_window < 1:
            raise ConfigError(f"--gc-window: got {self.gc_window}, expected a positive number of bases")
        super().__post_init__()
        self.avoid = [motif.strip().upper() for motif in self.avoid]
        self._patterns = [motif_regex(motif) for motif in self.avoid]

    def to_dict(self) -> dict:
        """Plain-type dictionary for the saved settings."""
        return asdict(self)

    def gc_count_range(self, length: int) -> tuple[int, int]:
        """Allowed number of G/C bases in one window of a sequence of ``length`` bases."""
        width = min(self.gc_window, length)
        return math.ceil(self.gc_min * width - 1e-9), math.floor(self.gc_max * width + 1e-9)

    def violations(self, sequence: str) -> list[str]:
        """Every constraint ``sequence`` breaks, as short messages (empty when it passes).

        The GC range holds in every window and over the whole sequence (all of it
        as emitted, writer included).
        """
        problems = []
        if self.gc_min > 0 or self.gc_max < 1:
            fractions = window_gc(sequence, self.gc_window)
            low, high = float(fractions.min()), float(fractions.max())
            if low < self.gc_min - 1e-9 or high > self.gc_max + 1e-9:
                problems.append(
                    f"GC {low:.2f}-{high:.2f} outside {self.gc_min}-{self.gc_max} in {self.gc_window} bp windows"
                )
            overall = gc_fraction(sequence)  # windows can all pass while the whole falls just short
            if overall < self.gc_min - 1e-9 or overall > self.gc_max + 1e-9:
                problems.append(f"GC {overall:.4f} over the whole sequence outside {self.gc_min}-{self.gc_max}")
        if self.max_homopolymer is not None:
            run = longest_homopolymer(sequence)
            if run > self.max_homopolymer:
                problems.append(f"homopolymer of {run} > {self.max_homopolymer}")
        if self._patterns:
            reverse = reverse_complement_bytes(sequence.encode("ascii")).decode("ascii")
            for motif, pattern in zip(self.avoid, self._patterns):
                if pattern.search(sequence) or pattern.search(reverse):
                    problems.append(f"contains {motif}")
        return problems

    def satisfied(self, sequence: str) -> bool:
        """Whether ``sequence`` meets every constraint."""
        return not self.violations(sequence)

    def describe(self) -> str:
        """One-line summary of the constraints."""
        parts = [f"GC {self.gc_min}-{self.gc_max} in {self.gc_window} bp windows"]
        parts.append(
            f"homopolymer <= {self.max_homopolymer}" if self.max_homopolymer is not None else "any homopolymer"
        )
        parts.append(f"avoid {','.join(self.avoid)}" if self.avoid else "no forbidden motifs")
        return "; ".join(parts)

    def require_feasible(self, length: int, prefix: str = "", seed: int = 0) -> str:
        """Fail fast unless some sequence of ``length`` bases satisfies the constraints.

        Arithmetic checks first (an integer number of G/C bases in the window, a
        homopolymer limit of at least 1, motifs that do not match every base),
        then a bounded constructive search after ``prefix``.

        Returns
        -------
        str
            One satisfying sequence (``prefix`` + ``length`` bases).

        Raises
        ------
        ConfigError
            The constraints admit no sequence, with the reason.
        """
        low, high = self.gc_count_range(len(prefix) + length)
        if low > high:
            width = min(self.gc_window, len(prefix) + length)
            raise ConfigError(
                f"--gc-min {self.gc_min} / --gc-max {self.gc_max}: no whole number of G/C bases fits a "
                f"{width} bp window; widen the GC range or change --gc-window"
            )
        if self.max_homopolymer is not None and self.max_homopolymer < 1:
            raise ConfigError(
                f"--max-homopolymer {self.max_homopolymer}: every base is a homopolymer of 1; expected >= 1"
            )
        for motif in self.avoid:
            if len(motif) == 1 and IUPAC[motif] == "ACGT":
                raise ConfigError(f"--avoid {motif}: matches every base, so no sequence can avoid it")
        single = {b for motif in self.avoid if len(motif) == 1 for b in IUPAC[motif]}
        single |= {"ACGT"["TGCA".index(b)] for b in set(single)}
        if self.gc_min > 0 and {"C", "G"} <= single:
            raise ConfigError(f"--gc-min {self.gc_min} needs G or C but --avoid forbids both; relax one of them")
        if self.gc_max < 1 and {"A", "T"} <= single:
            raise ConfigError(f"--gc-max {self.gc_max} needs A or T but --avoid forbids both; relax one of them")
        if prefix and self.violations(prefix) and length == 0:
            raise ConfigError(
                f"the fixed part {prefix!r} breaks the constraints ({'; '.join(self.violations(prefix))})"
            )
        sequence = random_sequence(length, self, np.random.default_rng(seed), prefix=prefix)
        if sequence is None:
            raise ConfigError(
                f"no sequence of {length} bp satisfies the constraints ({self.describe()})"
                + (f" after the fixed start {prefix!r}" if prefix else "")
                + "; relax --gc-min/--gc-max, --max-homopolymer or --avoid"
            )
        return sequence


def _motif_sets(constraints: SequenceConstraints) -> list[list[str]]:
    """Each forbidden motif on both strands as a list of allowed-base sets."""
    motifs = []
    for motif in constraints.avoid:
        sets = [IUPAC[letter] for letter in motif]
        motifs.append(sets)
        complement = {"A": "T", "C": "G", "G": "C", "T": "A"}
        motifs.append(["".join(sorted(complement[b] for b in allowed)) for allowed in reversed(sets)])
    return motifs


class _PartialSequence:
    """A sequence built base by base: its bases, G/C prefix counts and the per-base checks."""

    def __init__(self, prefix: str, total: int, constraints: SequenceConstraints):
        self.constraints = constraints
        self.low, self.high = constraints.gc_count_range(total)
        self.width = min(constraints.gc_window, total)
        self.check_gc = constraints.gc_min > 0 or constraints.gc_max < 1
        self.motifs = _motif_sets(constraints)
        self.limit = constraints.max_homopolymer
        self.bases = list(prefix)
        self.cumulative = [0]
        for b in self.bases:
            self.cumulative.append(self.cumulative[-1] + (1 if b in "GC" else 0))

    def allowed(self, position: int, base: str) -> bool:
        """Whether ``base`` at ``position`` keeps every constraint satisfiable."""
        bases, limit = self.bases, self.limit
        if limit is not None and position >= limit and all(bases[position - k] == base for k in range(1, limit + 1)):
            return False
        for sets in self.motifs:
            size = len(sets)
            if position + 1 >= size and base in sets[-1]:
                start = position + 1 - size
                if all(bases[start + k] in sets[k] for k in range(size - 1)):
                    return False
        if self.check_gc:
            # of the windows holding this base, the earliest-starting one is the
            # tightest for both bounds (the G/C count changes by at most 1 per base)
            start = max(0, position - self.width + 1)
            known = self.cumulative[position] - self.cumulative[start] + (1 if base in "GC" else 0)
            if known > self.high or known + start + self.width - 1 - position < self.low:
                return False
        return True

    def steer(self, order: str, position: int) -> str:
        """``order`` with G/C first when the current window nears ``gc_min``, A/T first near ``gc_max``."""
        if self.check_gc and position > 0:
            # steer towards the middle of the GC range so that windows rarely corner the search
            gc_min, gc_max = self.constraints.gc_min, self.constraints.gc_max
            start = max(0, position - self.width + 1)
            fraction = (self.cumulative[position] - self.cumulative[start]) / (position - start)
            band = 0.25 * (gc_max - gc_min)
            if fraction < gc_min + band:
                order = "".join(b for b in order if b in "GC") + "".join(b for b in order if b in "AT")
            elif fraction > gc_max - band:
                order = "".join(b for b in order if b in "AT") + "".join(b for b in order if b in "GC")
        return order

    def push(self, base: str) -> None:
        self.bases.append(base)
        self.cumulative.append(self.cumulative[-1] + (1 if base in "GC" else 0))

    def pop(self) -> None:
        self.bases.pop()
        self.cumulative.pop()


def random_sequence(
    length: int,
    constraints: SequenceConstraints,
    rng: np.random.Generator,
    prefix: str = "",
    weights: np.ndarray | None = None,
    max_steps: int | None = None,
) -> str | None:
    """Extend ``prefix`` by ``length`` random bases that satisfy ``constraints``.

    Bases are drawn one by one (weighted by ``weights`` over A, C, G, T, and
    steered towards the middle of the GC range when the current window nears a
    bound) among those that keep every constraint satisfiable: no homopolymer over the limit,
    no forbidden motif (either strand) ending here, and for every GC window that
    contains the new base a G/C count still reachable.  A dead end backtracks;
    the search stops after ``max_steps`` tries (default ``8 * length + 2000``).

    Returns
    -------
    str or None
        ``prefix`` + ``length`` bases, or ``None`` when the bounded search found none.
    """
    weights = np.full(4, 0.25) if weights is None else np.asarray(weights, dtype=float) / np.sum(weights)
    total = len(prefix) + length
    partial = _PartialSequence(prefix, total, constraints)
    tried: list[set] = []
    steps, max_steps = 0, (max_steps if max_steps is not None else 8 * length + 2000)

    # weighted random order of the four bases at every position (Efraimidis-Spirakis keys)
    keys = rng.random((max(length, 1) + 1, 4)) ** (1.0 / np.maximum(weights, 1e-12))
    orders = ["".join("ACGT"[k] for k in row) for row in np.argsort(-keys, axis=1)]

    position = len(prefix)
    while position < total:
        offset = position - len(prefix)
        if len(tried) <= offset:
            tried.append(set())
        chosen = None
        for base in partial.steer(orders[offset % len(orders)], position):
            if base in tried[offset]:
                continue
            steps += 1
            tried[offset].add(base)
            if partial.allowed(position, base):
                chosen = base
                break
        if chosen is None:
            # dead end: forget this position's tries and step back
            tried.pop()
            if position == len(prefix) or steps >= max_steps:
                return None
            position -= 1
            partial.pop()
            continue
        partial.push(chosen)
        position += 1
    sequence = "".join(partial.bases)
    return sequence if constraints.satisfied(sequence) else None
