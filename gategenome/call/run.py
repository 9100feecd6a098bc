"""The ``call`` and ``boundaries`` steps: a scan directory's drops or boundaries, written as BED and JSON.

:func:`run_call` writes the drops (BED6+4, narrowPeak layout) of
:func:`gategenome.call.drops.call_drop_table`; :func:`run_boundaries` the boundary
calls of :mod:`gategenome.call.boundaries` and, when asked, the region calls of
:mod:`gategenome.call.regions`.  Each writes its summary (threshold, counts,
settings) beside the BED, as ``OUT`` with the suffix ``.json``.
"""

from __future__ import annotations

import os
from pathlib import Path

from gategenome.call.boundaries import score_candidates, select_boundaries, summarise
from gategenome.call.drops import call_drop_table
from gategenome.call.regions import pair_regions
from gategenome.call.settings import BoundaryCallSettings, CallSettings
from gategenome.io.bed import write_bed
from gategenome.io.jsonfile import write_json


def run_call(scan_dir: str | os.PathLike, out: str | os.PathLike, settings: CallSettings, *,
             track_line: bool = False) -> dict:
    """Call the drops of a scan directory; write ``out`` (BED6+4) and ``out`` with ``.json`` (the summary).

    Parameters
    ----------
    scan_dir
        The scan directory (with its shuffled-sequence null).
    out
        The BED file written.
    settings
        :class:`CallSettings`.
    track_line
        Start the BED with a UCSC ``track`` line.

    Returns
    -------
    dict
        The summary written to the JSON file.
    """
    out_path = Path(out)
    table, summary = call_drop_table(scan_dir, settings)
    line = None
    if track_line:
        line = (f'track name="gategenome drops" description="forget-gate drops (q <= {settings.fdr})" '
                'type=narrowPeak useScore=1')
    summary.update({"scan_dir": str(scan_dir), "out": str(out)})
    table.write_bed(out_path, track_line=line)
    write_json(out_path.with_suffix(".json"), summary)
    return summary


def run_boundaries(signal: str | os.PathLike | None, scan_dir: str | os.PathLike, out: str | os.PathLike,
                   settings: BoundaryCallSettings, call_settings: CallSettings, *,
                   regions_out: str | os.PathLike | None = None, track_line: bool = False) -> dict:
    """Call the boundaries of a scan directory; write ``out`` (BED6+7) and ``out`` with ``.json`` (the summary).

    Parameters
    ----------
    signal
        The ATAC bigWig of the contrast test; None: the one ``scan.json`` names
        (see :func:`gategenome.call.boundaries.call_boundaries`).
    scan_dir
        The scan directory (with its shuffled-sequence null).
    out
        The BED file of the boundary calls.
    settings
        :class:`BoundaryCallSettings` (its ``fdr`` selects the calls).
    call_settings
        Which drops are candidates (its ``fdr`` is not used).
    regions_out
        Where to write the region calls (boundary pairs), if anywhere.
    track_line
        Start each BED with a UCSC ``track`` line.

    Returns
    -------
    dict
        The summary written to the JSON file.
    """
    fdr = settings.fdr
    tested, summary = score_candidates(scan_dir, call_settings, settings, signal=signal)
    boundaries = select_boundaries(tested, fdr)
    summary = summarise(summary, boundaries, fdr)
    regions = pair_regions(tested, fdr=fdr) if regions_out else []
    summary.update({"scan_dir": str(scan_dir), "out": str(out), "regions_out": regions_out,
                    "region_calls": len(regions) if regions_out else None})
    line = None
    if track_line:
        line = f'track name="gategenome boundaries" description="accessibility boundaries (q <= {fdr})" useScore=1'
    write_bed(Path(out), boundaries, track_line=line)
    if regions_out:
        region_line = 'track name="gategenome regions" description="boundary-pair regions"' if track_line else None
        write_bed(regions_out, regions, track_line=region_line)
    write_json(Path(out).with_suffix(".json"), summary)
    return summary
