# Configuration loading and validation, wildcard constraints, input functions.
#
# Everything here runs when the workflow is parsed: a bad configuration stops the
# run before any job starts, with a message naming the key or sample-sheet column.

import csv
import gzip
import os
import shlex
from pathlib import Path

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate


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

# envs/gategenome.yaml installs gategenome with pip from ${GATEGENOME_SRC}: this checkout.
os.environ.setdefault("GATEGENOME_SRC", str(Path(workflow.basedir).resolve()))


def _require_file(key, path):
    if not path:
        _fail(f"{key}: empty path; expected a file")
    if not Path(path).exists():
        _fail(f"{key}: file not found: {path}")
    return path


def load_samples(path):
    """Read and validate the sample sheet; return {sample: row}."""
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
    samples = {}
    for number, row in enumerate(rows, 2):
        row = {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
        _validated(row, "../schemas/samples.schema.yaml", f"samples: {path} row {number} ({row.get('sample', '?')!r})")
        name = row["sample"]
        if name in samples:
            _fail(f"samples: {path} row {number}: sample {name!r} appears twice")
        _require_file(f"samples: {path} sample {name!r} column bigwig", row["bigwig"])
        if row["peaks"]:
            _require_file(f"samples: {path} sample {name!r} column peaks", row["peaks"])
        samples[name] = row
    return samples


def genome_chromosomes(path):
    """Chromosome names of the genome FASTA, from its .fai or from the '>' lines."""
    fai = Path(f"{path}.fai")
    if fai.exists():
        with open(fai) as handle:
            return [line.split("\t")[0] for line in handle if line.strip()]
    with open(path, "rb") as handle:
        opener = gzip.open if handle.read(2) == b"\x1f\x8b" else open
    with opener(path, "rt") as handle:
        return [line[1:].split()[0] for line in handle if line.startswith(">")]


GENOME = _require_file("genome", config["genome"])
BLACKLIST = config["blacklist"] and _require_file("blacklist", config["blacklist"])
SAMPLES = load_samples(config["samples"])


def scan_chromosomes():
    """The chromosomes scanned, one scan job each (config scan.chroms / scan.exclude)."""
    names = genome_chromosomes(GENOME)
    wanted = config["scan"]["chroms"] or names
    unknown = [name for name in wanted if name not in names]
    if unknown:
        _fail(f"scan.chroms: {', '.join(unknown)} not in the genome {GENOME}; expected some of {', '.join(names[:10])}")
    chosen = [name for name in wanted if name not in set(config["scan"]["exclude"])]
    if not chosen:
        _fail("scan.chroms / scan.exclude: no chromosome left to scan")
    return chosen


CHROMS = scan_chromosomes()


wildcard_constraints:
    sample="|".join(sorted(SAMPLES)),
    chrom="[^/]+",
    strand="plus|minus|both",
    vcf="[^/]+",


#: Strand shards of each chromosome: one job per strand, or both strands in one job.
_STRAND_WORDS = {"both": ["plus", "minus"], "+": ["plus"], "-": ["minus"]}
STRAND_SHARDS = (
    _STRAND_WORDS[config["scan"]["strand"]]
    if config["scan"]["split_strands"]
    else ["both" if config["scan"]["strand"] == "both" else _STRAND_WORDS[config["scan"]["strand"]][0]]
)


def sample_signal(wildcards):
    return SAMPLES[wildcards.sample]["bigwig"]


def prepare_inputs(wildcards):
    inputs = {"genome": GENOME, "signal": sample_signal(wildcards)}
    if SAMPLES[wildcards.sample]["peaks"]:
        inputs["peaks"] = SAMPLES[wildcards.sample]["peaks"]
    if BLACKLIST:
        inputs["blacklist"] = BLACKLIST
    return inputs


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


def train_settings():
    """The model/train sections passed to 'gategenome train --config', as YAML text."""
    return yaml.safe_dump({"model": dict(config["model"]), "train": dict(config["train"])}, sort_keys=True)


def scan_shards(wildcards):
    """The scan_chrom shards of a sample, gathered by rule gather."""
    return expand(rules.scan_chrom.output.shard, sample=wildcards.sample, chrom=CHROMS, strand=STRAND_SHARDS)


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


def variant_vcf(wildcards):
    return VARIANT_SETS[wildcards.vcf]


def all_outputs():
    """Every final output of every sample (called by rule all, after the rules are defined)."""
    design = [rules.design.output.fasta] if config["design"]["enabled"] else []
    evaluation = [rules.evaluate.output.report] if config["evaluate"]["enabled"] else []
    variants = expand(rules.variants.output.vcf, sample=sorted(SAMPLES), vcf=sorted(VARIANT_SETS))
    return expand(
        [rules.call.output.drops, *rules.tracks.output, *rules.export.output, *design, *evaluation],
        sample=sorted(SAMPLES),
    ) + variants
