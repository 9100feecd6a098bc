"""Options and helpers shared by several subcommands."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Union

import click

from gategenome.errors import ConfigError
from gategenome.io.guard import refuse_same_files, require_writable  # noqa: F401  (io.guard's, for the commands)

PathLike = Union[str, "os.PathLike[str]"]

#: Options of every subcommand show their defaults.
OPTION_SETTINGS = {"show_default": True}


def named_path_inputs(params: Mapping, name: str) -> dict[str, str]:
    """Option label -> path of each ``[NAME=]PATH`` value of a repeated option (inputs for the guard)."""
    option = "--" + name.replace("_", "-")
    return {f"{option} {value}": value.partition("=")[2] or value for value in params[name]}


def device_option(function):
    """``--device auto|cpu|cuda``."""
    return click.option(
        "--device",
        type=click.Choice(["auto", "cpu", "cuda"]),
        default="auto",
        show_default=True,
        help="Where to run the model: CUDA when available with auto.",
    )(function)


def threads_option(note: str = ""):
    """``--threads N`` (PyTorch intra-op threads, default 1), with ``note`` added to its help."""
    text = "PyTorch intra-op threads (0: PyTorch's default)." + (f" {note}" if note else "")
    return click.option("--threads", type=click.IntRange(min=0), default=1, show_default=True, help=text)


#: ``--progress/--no-progress``: a progress bar on stderr (on by default).
progress_option = click.option("--progress/--no-progress", default=True, show_default=True,
                               help="Progress bar on stderr.")


class FiniteFloat(click.FloatRange):
    """A float option that must be finite (no ``nan``, ``inf``) and in a range.

    ``click.FloatRange`` lets ``nan`` through every bound (comparisons with NaN
    are false); every float option of every command uses this type instead.

    Parameters
    ----------
    min, max
        Bounds (``None``: unbounded on that side).
    min_open, max_open
        Exclude the bound itself.
    """

    name = "finite float"

    def __init__(self, min: float | None = None, max: float | None = None,
                 min_open: bool = False, max_open: bool = False) -> None:
        super().__init__(min=min, max=max, min_open=min_open, max_open=max_open, clamp=False)

    def _describe_range(self) -> str:
        """No range in ``--help`` for an unbounded float (click would show ``x<=None``)."""
        return "" if self.min is None and self.max is None else super()._describe_range()

    def convert(self, value, param, ctx):
        number = click.FLOAT.convert(value, param, ctx) if not isinstance(value, float) else value
        if not math.isfinite(number):
            self.fail(f"got {value!r}, expected a finite number", param, ctx)
        return super().convert(number, param, ctx)


MODEL_HELP = "Trained model.pt (gategenome train)."


def model_input_options(genome_help: str, signal_help: str):
    """``--model``, ``--genome`` and ``--signal`` of the commands that run a trained model.

    Parameters
    ----------
    genome_help, signal_help
        The command's own help of ``--genome`` and ``--signal`` (what the genome
        is read for, what the signal does there).

    Returns
    -------
    callable
        A decorator adding the three options, in that order, as ``model_path``,
        ``genome`` and ``signal``.
    """
    def decorate(function):
        function = click.option("--signal", type=click.Path(dir_okay=False), default=None, help=signal_help)(function)
        function = click.option("--genome", required=True, type=click.Path(dir_okay=False), help=genome_help)(function)
        return click.option("--model", "model_path", required=True, type=click.Path(dir_okay=False),
                            help=MODEL_HELP)(function)
    return decorate


@dataclasses.dataclass
class ModelInputs:
    """What :func:`open_model_inputs` opened: the model on its device, the genome and the signal.

    Attributes
    ----------
    model
        The :class:`~gategenome.model.network.GateLSTM`, in eval mode on ``device``.
    fasta
        The open :class:`~gategenome.io.fasta.Genome`.
    track
        The open :class:`~gategenome.io.bigwig.SignalTrack`, or None for a model that reads DNA only.
    device
        The ``torch.device`` the model is on.
    paths
        ``model``, ``genome`` and ``signal`` (None unless read) as absolute paths, for outputs' provenance.
    target
        What the model's head was trained on: ``regions`` or ``insertions``
        (:func:`gategenome.model.insertions.checkpoint_target`).
    payload
        The checkpoint's entries (:func:`gategenome.model.checkpoint.load_model`), e.g. for an
        :class:`~gategenome.model.insertions.InsertionHead`.
    """

    model: Any
    fasta: Any
    track: Any
    device: Any
    paths: dict[str, str | None]
    target: str = "regions"
    payload: dict | None = None


@contextlib.contextmanager
def open_model_inputs(model_path: PathLike, genome: PathLike, signal: PathLike | None,
                      device: str) -> Iterator[ModelInputs]:
    """Open the genome, load the model and open the signal it reads; close them on leaving.

    A dna+signal model without ``signal`` is an error; a ``signal`` given to a
    DNA-only model is ignored with a warning.

    Parameters
    ----------
    model_path, genome, signal
        The values of ``--model``, ``--genome`` and ``--signal``.
    device
        ``--device`` (``auto``, ``cpu`` or ``cuda``).

    Raises
    ------
    ConfigError
        The model reads the signal and no ``--signal`` was given.
    """
    import logging

    from gategenome.io.bigwig import SignalTrack
    from gategenome.io.fasta import Genome
    from gategenome.model.checkpoint import load_model, resolve_device
    from gategenome.model.insertions import checkpoint_target

    fasta = Genome(genome)
    track = None
    try:
        torch_device = resolve_device(device)
        model, payload = load_model(model_path, torch_device)
        model.eval()
        if model.config.uses_signal:
            if signal is None:
                raise ConfigError(f"{model_path}: the model reads DNA + ATAC signal (inputs: dna+signal) but no "
                                  "--signal was given; expected --signal with the ATAC bigWig")
            track = SignalTrack(signal, fasta.sizes, str(genome))
        elif signal is not None:
            logging.getLogger("gategenome.cli").warning(
                "%s: the model reads DNA only (inputs: dna); --signal %s is ignored", model_path, signal)
        paths = {"model": str(Path(model_path).resolve()), "genome": str(Path(genome).resolve()),
                 "signal": None if track is None else str(Path(signal).resolve())}
        yield ModelInputs(model, fasta, track, torch_device, paths, checkpoint_target(payload), payload)
    finally:
        if track is not None:
            track.close()
        fasta.close()
