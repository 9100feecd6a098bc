"""Settings of ``gategenome export`` and ``gategenome tracks``.

Free of heavy imports, so the command line reads its option defaults from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from gategenome.core.settings import check_ranges, setting


@dataclass
class ExportSettings:
    """Settings of one export (saved in ``export.json``).

    Attributes
    ----------
    assembly : str or None
        Assembly name in ``genomes.txt`` (default: the FASTA file name without ``.fa``).
    hub_name : str
        ``hub`` of ``hub.txt``.
    email : str
        Contact e-mail in ``hub.txt``.
    locus : str or None
        IGV session start locus, ``chr:start-end`` (default: around the strongest drop).
    copy : bool
        Copy the bigWigs and the FASTA instead of hard-linking them.
    """

    assembly: str | None = setting(None, "Assembly name in genomes.txt (a UCSC database such as sacCer3 for the "
                                         "UCSC browser); default: the FASTA file name without .fa.")
    hub_name: str = "gategenome"
    email: str = setting("nobody@example.org", "Contact e-mail in hub.txt.")
    locus: str | None = setting(None, "IGV session start locus, chr:start-end; default: around the strongest drop.")
    copy: bool = setting(False, "Copy the bigWigs and the FASTA instead of hard-linking them.")


@dataclass(frozen=True)
class TrackSettings:
    """How ``gategenome tracks`` writes the bigWigs.

    Attributes
    ----------
    workers : int
        Tracks written in parallel processes: by default one per track (forget
        gate of each strand, accessibility).  ``workers=1`` writes them in turn.
    precision : int
        Decimal places kept.  2 keeps every value within 0.005 of the scan's: a
        gate or probability track spans 0..1, so on a 100-pixel-high browser track
        one pixel is 0.01 and the error is at most half a pixel; rounding is what
        lets the bigWigs stay under 1 byte per base (see docs/export.md).
    max_zooms : int
        Most zoom levels (summaries for zoomed-out views, 128 bases per record and
        4 times coarser at each level).
    """

    workers: int = setting(3, "Tracks written in parallel processes.", low=1, high=3)
    precision: int = setting(2, "Decimal places kept (2: within 0.005, half a pixel of a 100-pixel track).",
                             low=0, high=7)
    max_zooms: int = setting(10, "Most zoom levels (summaries for zoomed-out views).", low=0, high=10)

    def __post_init__(self) -> None:
        check_ranges(self, "tracks")
