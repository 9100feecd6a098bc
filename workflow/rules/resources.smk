# Cluster sizing: every job asks for the memory and runtime it uses, computed from the
# bases it reads (the genome's .fai) and per-base rates measured by benchmarks/scale.py,
# so chr1 (249 Mb) and chrY (57 Mb) scan jobs each get what they need.  The numbers and
# the command that measured them are in docs/results/scaling.md; a retry (profile `retries`)
# multiplies both by the attempt number.

import math


#: Bases prepare and train keep (prepare.exclude_chroms), and bases scanned (per strand).
_EXCLUDED = excluded_names(GENOME_LENGTHS, exclude_patterns())
KEPT_BASES = sum(length for name, length in GENOME_LENGTHS.items() if name not in _EXCLUDED) or sum(GENOME_LENGTHS.values())
SCANNED_BASES = sum(GENOME_LENGTHS.get(name, 0) for name in CHROMS)
SCAN_STRANDS = 2 if config["scan"]["strand"] == "both" else 1

#: Cost of each job: (fixed MB, MB per Mb, fixed minutes, seconds per Mb) of the bases it reads
#: (JOB_BASES).  Measured by benchmarks/scale.py (docs/results/scaling.md: peak RSS and wall time of each
#: command at two genome sizes on a shared, busy 2-core machine, so the times are upper bounds): the
#: per-Mb rate is the slope between the two sizes, the fixed part what is left at zero bases (--scale 0.1:
#: 2.5 and 25 Mb).  scan is per strand-Mb, from the single-chromosome scan job (24.9 Mb, both strands);
#: tracks is its three writer processes together; boundaries reads the drops as call does.  Rules
#: the benchmark does not run (gather, export, signal, variants, design, resets) keep their former fixed sizes.
JOB_COSTS = {
    "prepare": (40, 0.5, 1, 0.12),
    "train": (560, 0.8, 2, 22.5),  # memory: genome cache read window by window; runtime: old upper bound
    "scan_chrom": (330, 2.8, 1, 6.2),
    "scan_replicate": (330, 2.8, 1, 6.2),
    "gather": (670, 0.0, 5, 0.0),
    "tracks": (210, 1.0, 1, 0.2),
    # call, boundaries, evaluate: --scale 1 (25 and 250 Mb; blocks and pread, so flat in the bases
    # themselves: 0.07-0.08, 0.11-0.11, 0.14-0.20 GB), plus room for their drops, which that run's
    # untrained model did not make: 50 B each in call, about 700 B as records in boundaries and
    # evaluate, at a few hundred drops per Mb (0.1-0.2 MB per Mb); times 0.09, 0.13, 0.32 s per Mb.
    "call": (80, 0.2, 1, 0.2),
    "boundaries": (200, 0.3, 1, 0.3),
    "call_replicate": (80, 0.2, 1, 0.2),
    "boundaries_replicate": (200, 0.3, 1, 0.3),
    "evaluate": (250, 0.5, 1, 0.5),
    "export": (1340, 0.0, 15, 0.0),
    "signal": (2670, 0.0, 30, 0.0),
    "signal_replicate": (2670, 0.0, 30, 0.0),
    "variants": (2000, 0.0, 60, 0.0),
    "variants_chrom": (2000, 0.0, 60, 0.0),
    "design": (1340, 0.0, 30, 0.0),  # grows with --length and --iterations, not with the genome
    "resets": (1340, 0.0, 30, 0.0),  # grows with --contexts and --iterations, not with the genome
    "multiqc_files": (200, 0.0, 5, 0.0),  # reads JSON summaries and call BEDs
    "review": (500, 0.0, 5, 0.0),  # a few kb of tracks around each of a few dozen loci
}
#: Head-room over the measured figures (machines differ; the rates are means over a run).
MEMORY_MARGIN = 1.5
#: Memory a cluster job uses besides its command's: SLURM counts the whole job step, which
#: includes the snakemake process that runs the job (about 150 MB; the benchmark measures
#: the command alone). Added to every job's mem_mb.
JOB_OVERHEAD_MB = 500
#: Head-room over the measured run times.
RUNTIME_MARGIN = 2.0
#: Processes the tracks job runs at once (one bigWig each; the third waits for a free one).
#: Two, not three: a 2-core cluster node could never schedule a job asking for three CPUs.
TRACK_WORKERS = 2


def shard_bases(wildcards):
    """Bases one scan_chrom job reads: its chromosome's length times the strands of the shard."""
    return GENOME_LENGTHS[SHARD_CHROMS[wildcards.chrom]] * (2 if wildcards.strand == "both" else 1)


def variant_chrom_bases(wildcards):
    """Bases of the chromosome one variants_chrom job scores."""
    return GENOME_LENGTHS[VARIANT_CHROMS[wildcards.chrom]]


#: The bases each rule's cost grows with.
JOB_BASES = {
    "prepare": lambda wildcards: KEPT_BASES,
    "train": lambda wildcards: KEPT_BASES,
    "scan_chrom": shard_bases,
    "scan_replicate": lambda wildcards: SCANNED_BASES * SCAN_STRANDS,
    "gather": lambda wildcards: SCANNED_BASES * SCAN_STRANDS,
    "tracks": lambda wildcards: SCANNED_BASES,
    "call": lambda wildcards: SCANNED_BASES,
    "boundaries": lambda wildcards: SCANNED_BASES,
    "call_replicate": lambda wildcards: SCANNED_BASES,
    "boundaries_replicate": lambda wildcards: SCANNED_BASES,
    "evaluate": lambda wildcards: SCANNED_BASES,
    "export": lambda wildcards: SCANNED_BASES,
    "signal": lambda wildcards: KEPT_BASES,
    "signal_replicate": lambda wildcards: KEPT_BASES,
    "variants": lambda wildcards: SCANNED_BASES,
    "variants_chrom": variant_chrom_bases,
    "design": lambda wildcards: 0,
    "resets": lambda wildcards: 0,
    "multiqc_files": lambda wildcards: 0,
    "review": lambda wildcards: 0,
}


def job_mem_mb(rule_name):
    """Snakemake ``mem_mb`` of a rule: fixed + per-Mb rate x its bases, with margin, plus the job overhead, times the attempt."""
    fixed, per_mb, _, _ = JOB_COSTS[rule_name]
    bases = JOB_BASES[rule_name]
    return lambda wildcards, attempt: (
        int(math.ceil(MEMORY_MARGIN * (fixed + per_mb * bases(wildcards) / 1e6))) + JOB_OVERHEAD_MB) * attempt


def job_runtime(rule_name):
    """Snakemake ``runtime`` (minutes) of a rule: fixed + per-Mb rate x its bases, with margin, times the attempt."""
    _, _, fixed, per_mb = JOB_COSTS[rule_name]
    bases = JOB_BASES[rule_name]
    return lambda wildcards, attempt: int(math.ceil(RUNTIME_MARGIN * (fixed + per_mb * bases(wildcards) / 1e6 / 60))) * attempt
