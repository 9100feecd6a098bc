# Configuration loading and validation, wildcard constraints, input functions.
#
# Everything here runs when the workflow is parsed: a bad configuration stops the
# run before any job starts, with a message naming the key or sample-sheet column.

import csv
import gzip
import hashlib
import os
import re
import shlex
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

import gategenome
from gategenome.cli.reference import SECTIONS
from gategenome.core.settings import non_finite
from gategenome.io.chroms import DEFAULT_EXCLUDE, excluded_names
from gategenome.io.fasta import fresh_fai
from gategenome.io.index import stale_index


def _fail(message):
    raise WorkflowError(f"gategenome workflow configuration: {message}")


def _validated(data, schema, what):
    """snakemake.utils.validate, with its message cut to the error and where it is."""
    try:
        validate(data, schema=schema)
    except WorkflowError as exc:
        lines = str(exc).splitlines()
        keep = [line.strip() for line in lines if line.startswith(("ValidationError", "On instance"))]
        _fail(f"{what}: {' '.join(keep) or lines[-1]}")


_validated(config, "../schemas/config.schema.yaml", "config")
# NaN and infinity pass every range rule of the schema (comparisons with NaN are false).
_non_finite = non_finite(config)
if _non_finite is not None:
    _fail(f"config: {_non_finite[0]}: got {_non_finite[1]!r}, expected a finite number")

# envs/gategenome.yaml installs gategenome with pip from ${GATEGENOME_SRC}: this checkout, or for the
# copy of the workflow a wheel carries (no pyproject.toml beside it) the same release from the package index.
_WORKFLOW_BASE = Path(workflow.basedir).resolve()
os.environ.setdefault("GATEGENOME_SRC", str(_WORKFLOW_BASE) if (_WORKFLOW_BASE / "pyproject.toml").is_file()
                      else f"gategenome=={gategenome.__version__}")


def _require_file(key, path):
    if not path:
        _fail(f"{key}: empty path; expected a file")
    if not Path(path).exists():
        _fail(f"{key}: file not found: {path}")
    if not Path(path).is_file():
        _fail(f"{key}: {path} is a directory or special file; expected a file")
    return path


def _check_patterns(key, patterns):
    """Every item of config key ``key`` must be a valid regular expression."""
    for pattern in patterns or []:
        try:
            re.compile(pattern)
        except re.error as exc:
            _fail(f"{key}: {pattern!r} is not a valid regular expression ({exc})")


_check_patterns("prepare.exclude_chroms", config["prepare"].get("exclude_chroms"))


_SOURCES = ("bigwig", "fragments", "bam")


def _sample_row(path, number, row):
    """One validated sheet row: exactly one of bigwig/fragments/bam, every named file present."""
    name = row["sample"]
    given = [column for column in _SOURCES if row.get(column)]
    if len(given) != 1:
        _fail(f"samples: {path} row {number} (sample {name!r}): {' and '.join(given) or 'no signal column'}; "
              "expected exactly one of the columns bigwig, fragments, bam")
    for column in (*_SOURCES, "barcodes", "peaks"):
        if row.get(column):
            _require_file(f"samples: {path} sample {name!r} column {column}", row[column])
    if row.get("barcodes") and not row.get("fragments"):
        _fail(f"samples: {path} row {number} (sample {name!r}): barcodes select cells of a fragments file; "
              "expected a fragments column")
    if row.get("barcodes"):
        with open(row["barcodes"]) as handle:
            if any(len(line.split()) > 1 for line in handle if line.strip() and not line.startswith("#")):
                _fail(f"samples: {path} sample {name!r} column barcodes: {row['barcodes']} has a group column; "
                      "expected one barcode per line (run 'gategenome signal --barcodes' for one signal per group)")
    return row


def _pooled(path, name, rows):
    """The sample made of one or more rows: its bigWig (given, or made by rule signal) and peaks."""
    kinds = {column for row in rows for column in _SOURCES if row.get(column)}
    if "bigwig" in kinds and len(rows) > 1:
        _fail(f"samples: {path}: sample {name!r} has {len(rows)} rows with a bigwig; expected one bigwig row, "
              "or replicates given as fragments or bam rows (pooled into one signal)")
    for column in ("peaks", "barcodes"):
        values = {row.get(column, "") for row in rows}
        if len(values) > 1:
            _fail(f"samples: {path}: the replicates of sample {name!r} differ in column {column}; expected one value")
    from_reads = "bigwig" not in kinds
    replicates = [row.get("replicate") or str(index + 1) for index, row in enumerate(rows)]
    repeated = sorted({name for name in replicates if replicates.count(name) > 1})
    if repeated:
        _fail(f"samples: {path}: sample {name!r} has the replicate {repeated[0]!r} in more than one row; "
              "expected a distinct replicate label per row")
    return {
        "sample": name,
        "bigwig": f"results/{name}/signal/coverage.bw" if from_reads else rows[0]["bigwig"],
        "peaks": rows[0].get("peaks", ""),
        "fragments": [row["fragments"] for row in rows if row.get("fragments")],
        "bam": [row["bam"] for row in rows if row.get("bam")],
        "barcodes": rows[0].get("barcodes", ""),
        "replicates": replicates,
        "replicate_rows": {label: row for label, row in zip(replicates, rows)},
        "from_reads": from_reads,
    }


def load_samples(path):
    """Read and validate the sample sheet; return {sample: pooled sample}."""
    _require_file("samples", path)
    with open(path, newline="") as handle:
        rows = [
            row
            for row in csv.DictReader(
                (line for line in handle if line.strip() and not line.startswith("#")),
                delimiter="\t",
            )
        ]
    if not rows:
        _fail(f"samples: {path} has no sample rows; expected a header 'sample<TAB>bigwig<TAB>peaks' and one row per sample")
    grouped = {}
    for number, row in enumerate(rows, 2):
        row = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        _validated(row, "../schemas/samples.schema.yaml", f"samples: {path} row {number} ({row.get('sample', '?')!r})")
        grouped.setdefault(row["sample"], []).append(_sample_row(path, number, row))
    return {name: _pooled(path, name, group) for name, group in grouped.items()}


def genome_lengths(path):
    """Chromosome -> length of the genome FASTA, from its .fai when that describes it (io.fasta.fresh_fai:
    not older than the FASTA, reaching its last record), else by reading the FASTA."""
    fai = fresh_fai(path)
    if fai is not None:
        with open(fai) as handle:
            return {fields[0]: int(fields[1]) for fields in (line.split("\t") for line in handle if line.strip())}
    with open(path, "rb") as handle:
        opener = gzip.open if handle.read(2) == b"\x1f\x8b" else open
    lengths, name = {}, None
    with opener(path, "rb") as handle:
        for line in handle:
            if line.startswith(b">"):
                name = line[1:].split()[0].decode()
                lengths[name] = 0
            elif name is not None:
                lengths[name] += len(line.strip())
    return lengths


GENOME = _require_file("genome", config["genome"])
GENOME_LENGTHS = genome_lengths(GENOME)
BLACKLIST = config["blacklist"] and _require_file("blacklist", config["blacklist"])
#: Transcription start sites (BED or GTF) for the TSS enrichment of rule signal; "" = none.
TSS = config.get("tss") and _require_file("tss", config["tss"])
SAMPLES = load_samples(config["samples"])


def exclude_patterns():
    """prepare.exclude_chroms as 'gategenome prepare' reads it: unset = the default set, ['none'] = none."""
    patterns = config["prepare"].get("exclude_chroms")
    if patterns is None:
        return list(DEFAULT_EXCLUDE)
    return [] if [p.lower() for p in patterns] == ["none"] else list(patterns)


def scan_chromosomes():
    """The chromosomes scanned, one scan job each: scan.chroms, or every chromosome prepare keeps
    (prepare.exclude_chroms: by default no mitochondrion, EBV, unplaced / alt / fix / decoy / HLA contig),
    less scan.exclude."""
    names = list(GENOME_LENGTHS)
    wanted = config["scan"]["chroms"]
    unknown = [name for name in wanted if name not in names]
    if unknown:
        _fail(f"scan.chroms: {', '.join(unknown)} not in the genome {GENOME}; expected some of {', '.join(names[:10])}")
    if not wanted:
        excluded = excluded_names(names, exclude_patterns())
        wanted = [name for name in names if name not in excluded]
    chosen = [name for name in wanted if name not in set(config["scan"]["exclude"])]
    if not chosen:
        _fail("scan.chroms / scan.exclude / prepare.exclude_chroms: no chromosome left to scan")
    return chosen


_SAFE_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


def shard_name(chrom):
    """A path- and shell-safe stand-in for a chromosome name, as gategenome.io.scandir.layout.file_name:
    letters, digits, '_', '.', '-' kept (a leading '.' escaped), any other byte as @XX; long names end in a checksum."""
    if re.fullmatch(r"[A-Za-z0-9_.-]+", chrom) and not chrom.startswith(".") and len(chrom) <= 150:
        return chrom
    data = chrom.encode("utf-8", "surrogatepass")
    mapped = "".join(chr(b) if b in _SAFE_BYTES and (i or b != ord(".")) else f"@{b:02X}" for i, b in enumerate(data))
    if len(mapped) > 150:
        mapped = f"{mapped[:133]}~{hashlib.sha256(data).hexdigest()[:16]}"
    return mapped or "@"


CHROMS = scan_chromosomes()
#: Shard name (the {chrom} wildcard, safe in paths and shells) -> chromosome name.
SHARD_CHROMS = {shard_name(chrom): chrom for chrom in CHROMS}


wildcard_constraints:
    sample="|".join(sorted(SAMPLES)),
    chrom="[A-Za-z0-9_.@~-]+",
    strand="plus|minus|both",
    vcf="[^/]+",
    replicate="[A-Za-z0-9][A-Za-z0-9_.-]*",


#: Strand shards of each chromosome: one job per strand, or both strands in one job.
_STRAND_WORDS = {"both": ["plus", "minus"], "+": ["plus"], "-": ["minus"]}
STRAND_SHARDS = (
    _STRAND_WORDS[config["scan"]["strand"]]
    if config["scan"]["split_strands"]
    else ["both" if config["scan"]["strand"] == "both" else _STRAND_WORDS[config["scan"]["strand"]][0]]
)


def sample_signal(wildcards):
    return SAMPLES[wildcards.sample]["bigwig"]


READ_SAMPLES = sorted(name for name, sample in SAMPLES.items() if sample["from_reads"])


def signal_inputs(wildcards):
    """The fragments files, BAMs (with their indexes) and barcodes pooled into one sample's signal, and
    the TSSs (config tss) of its TSS enrichment."""
    sample = SAMPLES[wildcards.sample]
    inputs = {"genome": GENOME, "fragments": sample["fragments"], "bam": sample["bam"]}
    if sample["barcodes"]:
        inputs["barcodes"] = sample["barcodes"]
    if TSS:
        inputs["tss"] = TSS
    return inputs


def sample_peaks(wildcards):
    """The sheet's peaks, else the MACS3 peaks of a sample made from reads, else none."""
    sample = SAMPLES[wildcards.sample]
    if sample["peaks"]:
        return sample["peaks"]
    return f"results/{wildcards.sample}/signal/peaks.narrowPeak" if sample["from_reads"] else ""


def prepare_inputs(wildcards):
    inputs = {"genome": GENOME, "signal": sample_signal(wildcards)}
    if sample_peaks(wildcards):
        inputs["peaks"] = sample_peaks(wildcards)
    if SAMPLES[wildcards.sample]["from_reads"]:
        inputs["signal_summary"] = f"results/{wildcards.sample}/signal/signal.json"
    if BLACKLIST:
        inputs["blacklist"] = BLACKLIST
    return inputs


#: Samples with two or more replicates -> their replicate labels.
REPLICATES = {name: sample["replicates"] for name, sample in SAMPLES.items()
              if sample["from_reads"] and len(sample["replicates"]) > 1}


def replicate_signal_inputs(wildcards):
    """The fragments file or BAM of one replicate row (and the sample's barcodes)."""
    sample = SAMPLES[wildcards.sample]
    if wildcards.sample not in REPLICATES or wildcards.replicate not in sample["replicate_rows"]:
        raise WorkflowError(f"no replicate {wildcards.replicate!r} of sample {wildcards.sample!r} in the sample sheet")
    row = sample["replicate_rows"][wildcards.replicate]
    inputs = {"genome": GENOME, "fragments": [row["fragments"]] if row.get("fragments") else [],
              "bam": [row["bam"]] if row.get("bam") else []}
    if sample["barcodes"]:
        inputs["barcodes"] = sample["barcodes"]
    return inputs


def replicate_evaluate_options(wildcards, input):
    """--replicate-drops NAME=PATH, --replicate-scan NAME=DIR and --replicate-boundaries NAME=PATH of each replicate."""
    labels = REPLICATES.get(wildcards.sample, [])
    return cli_options({
        "replicate_drops": [f"{label}={path}" for label, path in zip(labels, input.replicate_drops)],
        "replicate_scan": [f"{label}={path}" for label, path in zip(labels, input.replicate_scans)],
        "replicate_boundaries": [f"{label}={path}" for label, path in zip(labels, input.replicate_boundaries)],
    })


def replicate_drops(wildcards):
    """The drops of each replicate of a sample (rule call_replicate); none for one replicate."""
    labels = REPLICATES.get(wildcards.sample, [])
    return expand("results/{sample}/replicates/{replicate}/drops.bed", sample=wildcards.sample, replicate=labels)


def replicate_boundaries(wildcards):
    """The boundary calls of each replicate of a sample (rule boundaries_replicate); none for one replicate."""
    labels = REPLICATES.get(wildcards.sample, [])
    return expand("results/{sample}/replicates/{replicate}/boundaries.bed", sample=wildcards.sample, replicate=labels)


def replicate_scans(wildcards):
    """The scan of each replicate of a sample (rule scan_replicate); none for one replicate."""
    labels = REPLICATES.get(wildcards.sample, [])
    return expand("results/{sample}/replicates/{replicate}/scan", sample=wildcards.sample, replicate=labels)


def cli_options(options):
    """Command-line options from a config section: {"min_length": 50} -> "--min-length 50".

    Unset (None or empty) options are left out, so the command's default applies;
    lists repeat the option; true is a bare flag, false leaves it out; values are
    shell-quoted.
    """
    words = []
    for name, value in options.items():
        if value is None or value == "" or value == []:
            continue
        flag = f"--{name.replace('_', '-')}"
        if value is True:
            words.append(flag)
            continue
        if value is False:
            continue
        for item in value if isinstance(value, list) else [value]:
            words += [flag, shlex.quote(str(item))]
    return " ".join(words)


def section_settings(section):
    """A config section as the YAML of a command's ``--config``: unset keys and the keys only the
    workflow reads (``SECTIONS[section].workflow_only``, gategenome/cli/reference.py) left out.

    The rule writes it beside its outputs and passes it with ``--config``, so the
    command reads the section exactly as a user's own settings file.
    """
    drop = SECTIONS[section].workflow_only
    values = {name: value for name, value in config[section].items() if name not in drop and value is not None}
    return yaml.safe_dump(values, sort_keys=True)


def gate_model(wildcards):
    """The model whose forget gate explain and design read, for one sample.

    The sample's trained model, or its sequence-only model (rule train_dna) when
    dna_model.enabled is set.
    """
    if config["dna_model"]["enabled"]:
        return f"results/{wildcards.sample}/model_dna/model.pt"
    return f"results/{wildcards.sample}/model/model.pt"


def dna_train_settings():
    """The model/train sections of the sequence-only model, as YAML text.

    The recipe file (dna_model.recipe, relative to the working directory or else to
    this checkout) overlaid with dna_model.model and dna_model.train; model.inputs
    is always dna.
    """
    section = config["dna_model"]
    recipe = Path(section["recipe"])
    if not recipe.is_absolute() and not recipe.is_file():  # a shipped recipe, run from another directory
        recipe = Path(workflow.basedir) / recipe
    if not recipe.is_file():
        _fail(f"dna_model.recipe: {recipe}: no such file (expected a model/train YAML such as config/dna.yaml)")
    try:
        data = yaml.safe_load(recipe.read_text()) or {}
    except yaml.YAMLError as exc:
        _fail(f"dna_model.recipe: {recipe}: not valid YAML ({str(exc).splitlines()[0]})")
    if not isinstance(data, dict) or not all(isinstance(data.get(key) or {}, dict) for key in ("model", "train")):
        _fail(f"dna_model.recipe: {recipe}: expected a mapping with model: and train: sections")
    model = {**(data.get("model") or {}), **section["model"], "inputs": "dna"}
    train = {**(data.get("train") or {}), **section["train"]}
    for key in ("seed", "threads", "device"):  # given on the command line from the top-level keys
        train.pop(key, None)
    return yaml.safe_dump({"model": model, "train": train}, sort_keys=True)


def train_target(sample):
    """train.target of one sample: the config's when set, else insertions for a sample made from
    reads (fragments or BAMs: rule signal writes its cutsites.bw, the Tn5 insertions) and regions
    for a sample given as a coverage bigWig (no insertions to learn)."""
    explicit = config["train"].get("target")
    if explicit == "insertions" and not SAMPLES[sample]["from_reads"]:
        _fail(f"train.target: insertions needs the reads, but sample {sample!r} is given as a bigwig; "
              "expected fragments or bam rows for it, or train.target regions")
    if explicit:
        return explicit
    return "insertions" if SAMPLES[sample]["from_reads"] else "regions"


def train_settings(wildcards):
    """The model/train sections passed to 'gategenome train --config', as YAML text (train.target per sample)."""
    train = {**config["train"], "target": train_target(wildcards.sample)}
    return yaml.safe_dump({"model": dict(config["model"]), "train": train}, sort_keys=True)


def train_insertions(wildcards):
    """The insertions input of one sample's train job: rule signal's cutsites.bw with target insertions, else none."""
    if train_target(wildcards.sample) == "insertions":
        return {"insertions": f"results/{wildcards.sample}/signal/cutsites.bw"}
    return {}


def train_target_note(wildcards):
    """The first line of the train log, saying which target the sample trains on and why."""
    sample = wildcards.sample
    target = train_target(sample)
    if config["train"].get("target"):
        return f"train.target {target} (set in the config)"
    if target == "insertions":
        return "train.target insertions: the sample comes from reads; the model learns its Tn5 insertions (cutsites.bw)"
    return ("train.target regions: the sample is given as a coverage bigWig, without reads; the model learns "
            "the accessible regions")


def scan_shards(wildcards):
    """The scan_chrom shards of a sample, gathered by rule gather."""
    return expand(rules.scan_chrom.output.shard, sample=wildcards.sample, chrom=list(SHARD_CHROMS), strand=STRAND_SHARDS)


def chrom_of_shard(wildcards):
    """The chromosome name of a scan shard's {chrom} wildcard (see shard_name)."""
    return SHARD_CHROMS[wildcards.chrom]


def strand_option(wildcards):
    """The --strand of one scan shard."""
    return {"plus": "+", "minus": "-", "both": "both"}[wildcards.strand]


def _variant_sets():
    """{name: VCF path} of config["variants"]; names are the file names without .vcf/.bcf/.gz."""
    sets = {}
    for path in config.get("variants") or []:
        _require_file("variants", path)
        name = Path(path).name
        for suffix in (".gz", ".bgz", ".vcf", ".bcf"):
            name = name[: -len(suffix)] if name.endswith(suffix) else name
        if name in sets:
            _fail(f"variants: {path} and {sets[name]} share the name {name!r}; expected distinct file names")
        sets[name] = path
    return sets


VARIANT_SETS = _variant_sets()
VARIANTS_SCATTER = bool(config.get("variants_scatter"))


def _require_vcf_index(path):
    """A VCF scattered by chromosome is read through its index: path.tbi or path.csi must exist, newer than it."""
    if not any(Path(f"{path}{suffix}").is_file() for suffix in (".tbi", ".csi")):
        _fail(f"variants: {path} has no index ({path}.tbi or {path}.csi) and variants_scatter is on; "
              "expected a bgzip VCF indexed with 'tabix -p vcf' or 'bcftools index', or variants_scatter: false")
    stale = stale_index(path, (".tbi", ".csi"))
    if stale is not None:
        _fail(f"variants: the index {stale} is older than {path}; expected an index made after the file "
              "('tabix -f -p vcf' or 'bcftools index -f')")


if VARIANTS_SCATTER:
    for _vcf_path in VARIANT_SETS.values():
        _require_vcf_index(_vcf_path)
#: Shard name -> chromosome of the variant scatter: every chromosome of the genome (not only those scanned).
VARIANT_CHROMS = {shard_name(chrom): chrom for chrom in GENOME_LENGTHS} if VARIANTS_SCATTER else {}


def variant_vcf(wildcards):
    return VARIANT_SETS[wildcards.vcf]


def variant_parts(wildcards):
    """The per-chromosome variants_chrom prefixes of one VCF and sample, in genome order."""
    return [f"results/{wildcards.sample}/variants/{wildcards.vcf}.parts/{chrom}" for chrom in VARIANT_CHROMS]


def variant_part_tables(wildcards):
    return [f"{prefix}.tsv" for prefix in variant_parts(wildcards)]


def explain_model(wildcards):
    """The model explain reads: gate_model's for drops; with explain.target counts the sample's own
    model, whose predicted insertions are explained (a read-made sample's: train.target insertions)."""
    if config["explain"].get("target") == "counts":
        return f"results/{wildcards.sample}/model/model.pt"
    return gate_model(wildcards)


def explain_records(wildcards):
    """What explain attributes: the sample's drops; with explain.target counts its peaks
    (sample_peaks), else prepare's accessible regions."""
    if config["explain"].get("target") == "counts":
        return sample_peaks(wildcards) or f"results/{wildcards.sample}/prepare/accessible.bed"
    return f"results/{wildcards.sample}/drops.bed"


def explain_report(wildcards):
    """The sample's explain motif report when config explain.enabled, for the evaluation report to link."""
    return [f"results/{wildcards.sample}/explain/motifs.html"] if config["explain"]["enabled"] else []


def explain_report_option(wildcards, input):
    return cli_options({"explain_report": list(input.explain)})


def multiqc_inputs(wildcards):
    """What the sample has: signal.json when made from reads, the evaluation when enabled."""
    inputs = {
        "metrics": rules.train.output.metrics.format(sample=wildcards.sample),
        "drops": rules.call.output.drops.format(sample=wildcards.sample),
        "boundaries": rules.boundaries.output.boundaries.format(sample=wildcards.sample),
        "region_calls": rules.boundaries.output.regions.format(sample=wildcards.sample),
    }
    if wildcards.sample in READ_SAMPLES:
        inputs["signal_summary"] = rules.signal.output.summary.format(sample=wildcards.sample)
    if config["evaluate"]["enabled"]:
        inputs["evaluation"] = rules.evaluate.output.numbers.format(sample=wildcards.sample)
    return inputs


def review_inputs(wildcards):
    """The page's tracks and calls, the boundaries of every replicate of the sample, the first variant
    set's table and review.igv_js when set (empty: the igv.js shipped with gategenome)."""
    sample = wildcards.sample
    inputs = {
        "genome": GENOME, "signal": sample_signal(wildcards),
        "tracks": [f"results/{sample}/tracks/forget.plus.bw", f"results/{sample}/tracks/forget.minus.bw"],
        "boundaries": f"results/{sample}/boundaries.bed",
        "replicate_boundaries": replicate_boundaries(wildcards),
        "variants": [f"results/{sample}/variants/{name}.tsv" for name in sorted(VARIANT_SETS)][:1],
    }
    if config["review"].get("igv_js"):
        inputs["igv_js"] = config["review"]["igv_js"]
    return inputs


def review_options(wildcards, input):
    """--replicate-boundaries NAME=PATH of every replicate of a sample (none with one), --variants TABLE,
    --igv-js PATH when review.igv_js is set."""
    labels = REPLICATES.get(wildcards.sample, [])
    return cli_options({"replicate_boundaries": [f"{label}={path}" for label, path in
                                                 zip(labels, input.replicate_boundaries)],
                        "variants": list(input.variants), "igv_js": input.get("igv_js")})


def all_outputs():
    """Every final output of every sample (called by rule all, after the rules are defined)."""
    design = [rules.design.output.fasta] if config["design"]["enabled"] else []
    design += [rules.resets.output.fasta] if config["resets"]["enabled"] else []
    evaluation = [rules.evaluate.output.report] if config["evaluate"]["enabled"] else []
    explanation = ["results/{sample}/explain/motifs.html"] if config["explain"]["enabled"] else []
    dna_model = [rules.train_dna.output.model] if config["dna_model"]["enabled"] else []
    review = [rules.review.output.page] if config["review"]["enabled"] else []
    variants = expand("results/{sample}/variants/{vcf}.vcf.gz", sample=sorted(SAMPLES), vcf=sorted(VARIANT_SETS))
    return expand(
        [rules.call.output.drops, rules.boundaries.output.boundaries, *rules.tracks.output, *rules.export.output, *design, *evaluation,
         *explanation, *dna_model, *review, rules.multiqc_files.output[0]],
        sample=sorted(SAMPLES),
    ) + variants
