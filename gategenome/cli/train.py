"""``gategenome train``: fit the gate-exposing LSTM to accessible regions."""

from __future__ import annotations

import click

from gategenome.cli.common import refuse_same_files, require_writable
from gategenome.cli.options import field_option
from gategenome.io.guard import guard_paths
from gategenome.core.settings import declared_fields
from gategenome.train.config import TrainConfig

#: The train settings the command line overrides (the rest come from --config).
OVERRIDES = ("seed", "threads", "device")


def override_options(function):
    """``--seed``, ``--threads`` and ``--device``: :data:`OVERRIDES`, over the --config file's train section."""
    fields = {item.name: item for item in declared_fields(TrainConfig)}
    for name in reversed(OVERRIDES):
        function = field_option(fields[name], override="train")(function)
    return function



def _train_outputs(params) -> dict:
    """Every file ``train`` writes, by the option (or the name beside ``--out``) it comes from."""
    from gategenome.train.files import TrainOutputs

    outputs = TrainOutputs(params["out"], metrics=params["metrics_path"], curves=params["curves_path"],
                           cache=params["cache_dir"])
    return {"--out": outputs.model, "--metrics": outputs.metrics, "--curves": outputs.curves,
            "the resolved config (MODEL.config.yaml)": outputs.config,
            "the resume checkpoint (MODEL.resume.pt)": outputs.resume}


@click.command(name="train")
@click.option("--genome", required=True, type=click.Path(exists=True, dir_okay=False), help="Genome FASTA.")
@click.option("--signal", type=click.Path(exists=True, dir_okay=False), default=None,
              help="ATAC-seq bigWig (required unless the config sets model.inputs: dna).")
@click.option("--regions", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Accessible regions BED (the per-base targets), e.g. prepare's accessible.bed.")
@click.option("--folds", required=True, type=click.Path(exists=True, dir_okay=False),
              help="folds.json with train/valid/test chromosomes.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Output model checkpoint (model.pt).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), default=None,
              help="YAML with 'model:' and 'train:' sections (keys: the ModelConfig and TrainConfig settings, "
                   "e.g. config/dna.yaml); defaults otherwise.")
@click.option("--blacklist", type=click.Path(exists=True, dir_okay=False), default=None,
              help="BED of bases left out of the loss and metrics (e.g. collapsed rDNA).")
@click.option("--insertions", type=click.Path(exists=True, dir_okay=False), default=None,
              help="bigWig of Tn5 insertions per base (signal's cutsites.bw): the target of train.target "
                   "insertions (required there, refused with target regions).")
@override_options
@click.option("--resume", is_flag=True, help="Continue from the resume checkpoint beside --out after a crash or kill.")
@click.option("--metrics", "metrics_path", type=click.Path(dir_okay=False), default=None,
              help="metrics.json path  [default: metrics.json beside --out]")
@click.option("--curves", "curves_path", type=click.Path(dir_okay=False), default=None,
              help="Loss/validation plot  [default: curves.png beside --out]")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), default=None,
              help="Genome cache directory: the genome and signal encoded once (3 bytes per base on disk), "
              "reused while their content is unchanged, and read window by window so memory does not grow "
              "with the genome  [default: MODEL.cache beside --out]")
@click.option("--no-progress", is_flag=True, help="No progress bar.")
@guard_paths(inputs=("genome", "signal", "regions", "folds", "config_path", "blacklist", "insertions"),
             derived=lambda p: _train_outputs(p), publish="resumable")
def command(genome, signal, regions, folds, out, config_path, blacklist, insertions, seed, threads, device,
            resume, metrics_path, curves_path, cache_dir, no_progress):
    """Train the LSTM on a genome + ATAC-seq signal to predict accessible bases.

    Samples long windows from the train chromosomes (half of them touching an
    accessible region, reverse-complemented at random), validates on the valid
    chromosomes each epoch (per-base auPRC; early stopping), and writes MODEL.pt,
    metrics.json (auROC/auPRC on valid and test, mean forget gate inside, outside
    and at region boundaries, loss curves), curves.png and the resolved config
    (MODEL.config.yaml).  A resume checkpoint (MODEL.resume.pt) is written after
    every epoch; --resume continues from it.  A fixed --seed gives the same
    weights bit for bit on CPU with the same thread count.  --threads bounds
    torch's intra-op and inter-op threads; by default one thread per core, less
    one for each core other processes keep busy when training starts (threads
    that share a core with other work make every step wait), so give --threads
    where runs on differently loaded machines must match bit for bit.  The genome and signal are read from
    the cache directory (built on first use; a cache of other or edited files
    is never read), so memory stays about the same from yeast to human.
    With train.target insertions the head learns the log Tn5 insertion rate of
    --insertions (BPNet's profile + count loss) on top of a Tn5 bias model fitted
    first outside the regions and frozen; the regions then only place windows.

    \b
    Examples:
      gategenome train --genome sacCer3.fa --signal atac.bw --regions prep/accessible.bed \\
          --folds prep/folds.json --out results/model.pt
      gategenome train ... --config config/dna.yaml --seed 1 --device cuda   # no --signal: a DNA recipe
      gategenome train ... --config reads.yaml --insertions atac.cutsites.bw   # train.target: insertions
      gategenome train ... --resume        # after an interrupted run
      gategenome train ... --cache prep/genome.cache --threads 2
    """
    from gategenome.core.allocator import retain_freed_memory
    from gategenome.train.config import load_config
    from gategenome.train.files import TrainOutputs
    from gategenome.train.loop import check_target, run_train

    retain_freed_memory()  # a step's buffers are reused instead of faulted in again (docs/train.md)

    outputs = TrainOutputs(out, metrics=metrics_path, curves=curves_path, cache=cache_dir)
    refuse_same_files(
        {"--out": outputs.model, "--metrics": outputs.metrics, "--curves": outputs.curves,
         "the resolved config (MODEL.config.yaml)": outputs.config, "the resume checkpoint (MODEL.resume.pt)": outputs.resume},
        {"--genome": genome, "--signal": signal, "--regions": regions, "--folds": folds, "--config": config_path,
         "--blacklist": blacklist, "--insertions": insertions},
    )
    model_config, train_config = load_config(config_path, seed=seed, threads=threads, device=device)
    check_target(train_config, insertions, signal if model_config.uses_signal else None)
    outputs = TrainOutputs(out, metrics=metrics_path, curves=curves_path, cache=cache_dir)
    for option, path in (("--out", outputs.model), ("--metrics", outputs.metrics), ("--curves", outputs.curves),
                         ("--out", outputs.config), ("--out", outputs.resume)):
        require_writable(option, path)
    run_train(genome, signal, regions, folds, out, model_config, train_config, blacklist=blacklist,
              insertions=insertions, metrics=metrics_path, curves=curves_path, cache=cache_dir, resume=resume,
              progress=not no_progress)
