"""Outputs never touch inputs: every command's paths, resolved and compared before any work.

Each subcommand declares which of its parameters are inputs and which are
outputs with :func:`guard_paths` (a decorator on the click callback).  Before the
command body runs, :func:`check_paths` resolves every path (``..``, symbolic
links, hard links of existing files) and refuses, with one
:class:`~gategenome.errors.ConfigError` line naming the option:

- an output that is an input, or another output;
- an output inside a directory the command reads (``--scan-dir``, a shard, a
  part), or a replaced output directory that holds an input;
- an output inside a directory another product owns: a scan directory or shard
  (``scan.json``), a hub (``hub.txt``), a prepared directory (``prepare.json``), a
  cache (``manifest.json``), unless the command itself writes there;
- a replaced output directory that is a symbolic link (it would be followed for
  deletion), and an output prefix or file name that ends in ``/``;
- an output that cannot be written (a parent that is a file, a read-only
  directory, a file where a directory is expected).

Before the body runs, a killed command's half-published outputs where the
command reads are finished, or the command is refused where it cannot finish them
(:func:`gategenome.io.publish.finish_before_reading`).

The declaration also says how the command publishes its files
(:data:`PUBLISH_MODES`); :func:`guard_paths` opens the command's
:func:`gategenome.io.publish.publication` around the body for ``"together"``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Union

import click

from gategenome.errors import ConfigError
from gategenome.io.publish import finish_before_reading, publication

PathLike = Union[str, "os.PathLike[str]"]

#: Files that mark a directory as another command's product: outputs must not land inside it.
#: (Each checked by :func:`is_product`: written by gategenome, not a file of the same name from elsewhere.)
PRODUCT_MARKERS = {
    "scan.json": "a scan directory ('gategenome scan' or a shard)",
    "hub.txt": "a track hub ('gategenome export')",
    "prepare.json": "a prepared directory ('gategenome prepare')",
    "manifest.json": "a cache directory",
}

#: How a command publishes: ``together`` (every output staged, then renamed in one commit step,
#: :mod:`gategenome.io.publish`), ``directory`` (one directory built aside and renamed into place),
#: ``resumable`` (each file atomic on its own, so a killed run can resume), ``none`` (writes nothing itself).
PUBLISH_MODES = ("together", "directory", "resumable", "none")


@dataclasses.dataclass(frozen=True)
class PathRoles:
    """What a command reads and writes, by click parameter name.

    Attributes
    ----------
    inputs
        Parameters holding input files (a path, a tuple of paths, or None).
    input_dirs
        Parameters holding directories read as a whole (outputs may not lie inside).
    outputs
        Parameters holding output files.
    prefixes
        Parameter -> suffixes of the files an output prefix stands for.
    output_dirs
        Parameters holding output directories the command writes named files into.
    replaced_dirs
        Parameters holding output directories the command replaces as a whole.
    writes_into
        Input directories the command may also write into (``tracks`` into its scan directory).
    derived
        ``f(params) -> {label: path}``: further outputs (``--out`` with ``.json``).
    derived_inputs
        ``f(params) -> {label: path}``: further input files.
    publish
        One of :data:`PUBLISH_MODES`.
    product
        The :data:`PRODUCT_MARKERS` file of what the command makes (``scan.json`` for ``scan``): its
        output directory may be such a product, never another kind.
    """

    inputs: tuple[str, ...] = ()
    input_dirs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    prefixes: Mapping[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)
    output_dirs: tuple[str, ...] = ()
    replaced_dirs: tuple[str, ...] = ()
    writes_into: tuple[str, ...] = ()
    derived: Callable[[Mapping[str, Any]], Mapping[str, PathLike | None]] | None = None
    derived_inputs: Callable[[Mapping[str, Any]], Mapping[str, PathLike | None]] | None = None
    publish: str = "together"
    product: str | None = None

    def __post_init__(self) -> None:
        if self.publish not in PUBLISH_MODES:
            raise ValueError(f"publish={self.publish!r}; expected one of {PUBLISH_MODES}")


#: Where ``--config``'s path is kept in the click context (the option is not a parameter of the command).
CONFIG_META = "gategenome.config_file"


def _option(name: str, labels: Mapping[str, str]) -> str:
    """The option a parameter comes from (``model_path`` -> ``--model``), as the user types it."""
    return labels.get(name) or "--" + name.replace("_", "-")


def _running_command() -> tuple[dict[str, str], dict[str, str]]:
    """Of the running click command: parameter name -> its longest option (``--out``, or ``NAME`` of an
    argument), and ``{"--config": path}`` when a ``--config`` YAML was read (an input too)."""
    context = click.get_current_context(silent=True)
    if context is None:
        return {}, {}
    labels = {}
    for param in context.command.params:
        options = [opt for opt in getattr(param, "opts", []) if opt.startswith("--")]
        labels[param.name] = max(options, key=len) if options else param.name.upper()
    config = context.meta.get(CONFIG_META)
    return labels, ({"--config": config} if config else {})


def _values(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [item for item in value if item is not None]
    return [value]


def _labelled(params: Mapping[str, Any], names: Iterable[str], labels: Mapping[str, str]) -> dict[str, str]:
    found = {}
    for name in names:
        values = _values(params.get(name))
        for value in values:
            label = _option(name, labels) if len(values) == 1 else f"{_option(name, labels)} {value}"
            found[label] = os.fspath(value)
    return found


def declared_paths(roles: PathRoles, params: Mapping[str, Any],
                   labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The command's paths by role (``inputs``, ``input_dirs``, ``outputs``, ``output_dirs``,
    ``replaced_dirs``, ``writes_into``: label -> path) and its ``product``.

    Parameters
    ----------
    roles
        The command's declaration.
    params
        The values of its parameters.
    labels
        Parameter name -> the option naming it in messages (default ``--name``).
    """
    labels = labels or {}
    inputs = _labelled(params, roles.inputs, labels)
    if roles.derived_inputs is not None:
        inputs.update({k: os.fspath(v) for k, v in roles.derived_inputs(params).items() if v is not None})
    outputs = _labelled(params, roles.outputs, labels)
    for name, suffixes in roles.prefixes.items():
        for prefix in _values(params.get(name)):
            option = _option(name, labels)
            refuse_directory_prefix(option, prefix)
            outputs.update({f"{option}'s {suffix}": f"{os.fspath(prefix)}{suffix}" for suffix in suffixes})
    if roles.derived is not None:
        outputs.update({k: os.fspath(v) for k, v in roles.derived(params).items() if v is not None})
    return {"product": roles.product, "inputs": inputs, "input_dirs": _labelled(params, roles.input_dirs, labels),
            "outputs": outputs, "output_dirs": _labelled(params, roles.output_dirs, labels),
            "replaced_dirs": _labelled(params, roles.replaced_dirs, labels),
            "writes_into": _labelled(params, roles.writes_into, labels)}


def refuse_directory_prefix(option: str, value: PathLike) -> None:
    """Refuse an output prefix or file name that names a directory (``results/`` would write ``results/.tsv``)."""
    text = os.fspath(value)
    if not text or text.endswith(("/", os.sep)) or Path(text).name in ("", ".", ".."):
        raise ConfigError(f"{option} {text!r}: names a directory; expected a file name or prefix such as results/name")


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _same_existing(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def is_product(directory: str | os.PathLike, marker: str) -> bool:
    """Whether ``directory`` holds the :data:`PRODUCT_MARKERS` file ``marker`` written by gategenome.

    A JSON marker must name a ``gategenome-`` format in its first 4 KiB (a
    ``manifest.json`` or ``scan.json`` of some other tool is not one); a hub has
    ``export.json`` beside its ``hub.txt``.
    """
    path = os.path.join(directory, marker)
    if not os.path.isfile(path):
        return False
    if marker == "hub.txt":
        return os.path.isfile(os.path.join(directory, "export.json"))
    try:
        with open(path, "rb") as handle:
            return b'"gategenome-' in handle.read(4096)
    except OSError:
        return False


def _owner(path: str, own: Iterable[str]) -> tuple[str, str] | None:
    """The nearest strict ancestor of resolved ``path`` that another product owns: (directory, what it is)."""
    own = set(own)
    for ancestor in Path(path).parents:
        text = str(ancestor)
        if text in own:
            return None
        for marker, what in PRODUCT_MARKERS.items():
            if is_product(ancestor, marker):
                return text, what
    return None


def refuse_same_files(outputs: Mapping[str, PathLike | None],
                      inputs: Mapping[str, PathLike | None] | None = None) -> None:
    """Refuse two outputs, or an output and an input, that are the same file (resolved, hard links included).

    Raises
    ------
    ConfigError
        Naming both labels and the file.
    """
    seen: list[tuple[str, str, str]] = []
    for kind, mapping in (("output", outputs), ("input", inputs or {})):
        for label, path in mapping.items():
            if path is None:
                continue
            resolved = os.path.realpath(path)
            for other_label, other, other_kind in seen:
                if other_kind == "input" and kind == "input":
                    continue
                if resolved == other or _same_existing(resolved, other):
                    expected = "distinct outputs" if kind == other_kind else "an output other than each input"
                    raise ConfigError(f"{other_label} and {label} are the same file ({path}); expected {expected}")
            seen.append((label, resolved, kind))


def _first_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


def require_writable(option: str, path: PathLike | None, *, directory: bool = False) -> None:
    """Refuse, before any work, an output that cannot be written.

    The nearest existing ancestor of ``path`` must be a writable directory, and
    ``path`` itself, when it exists, a directory (``directory=True``) or a file.

    Raises
    ------
    ConfigError
        A parent is a regular file, a directory is not writable, or the output
        exists as the wrong kind.
    """
    if path is None:
        return
    path = Path(path)
    if path.exists():
        if directory and not path.is_dir():
            raise ConfigError(f"{option} {path}: exists and is not a directory; expected a directory to write into")
        if not directory and path.is_dir():
            raise ConfigError(f"{option} {path}: is a directory; expected a file path")
        target = path if directory else path.parent
        if not os.access(target, os.W_OK | os.X_OK):
            raise ConfigError(f"{option} {path}: {target} is not writable; expected a writable location")
        return
    ancestor = _first_existing(path.parent if str(path.parent) else Path("."))
    if not ancestor.is_dir():
        raise ConfigError(f"{option} {path}: {ancestor} is a file, not a directory; expected a path under a directory")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ConfigError(f"{option} {path}: directory {ancestor} is not writable; expected a writable location")


def check_paths(paths: Mapping[str, Mapping[str, str]]) -> None:
    """Refuse every way the outputs of :func:`declared_paths` could touch an input or another product.

    Raises
    ------
    ConfigError
        One line naming the option and the path.
    """
    inputs, input_dirs = paths.get("inputs", {}), paths.get("input_dirs", {})
    outputs, output_dirs = paths.get("outputs", {}), paths.get("output_dirs", {})
    replaced = paths.get("replaced_dirs", {})
    writes_into = {os.path.realpath(p) for p in paths.get("writes_into", {}).values()}
    for label, path in outputs.items():
        refuse_directory_prefix(label, path)
    for label, path in {**output_dirs, **replaced}.items():
        if label in replaced and os.path.islink(path):
            raise ConfigError(f"{label} {path}: is a symbolic link; expected a real directory (the output directory "
                              "is replaced, and a link would be followed)")
        require_writable(label, path, directory=True)
    for label, path in outputs.items():
        require_writable(label, path)
    refuse_same_files({**outputs, **output_dirs, **replaced},
                      {**inputs, **{k: v for k, v in input_dirs.items() if os.path.realpath(v) not in writes_into}})
    readable_dirs = {label: os.path.realpath(p) for label, p in input_dirs.items()}
    own_dirs = {os.path.realpath(p) for p in (*output_dirs.values(), *replaced.values())} | writes_into
    for label, path in {**outputs, **output_dirs, **replaced}.items():
        resolved = os.path.realpath(path)
        for dir_label, directory in readable_dirs.items():
            if directory in writes_into and label not in replaced:
                continue
            if _inside(resolved, directory):
                raise ConfigError(f"{label} {path}: lies inside {dir_label} {directory}, which the command reads; "
                                  "expected an output outside every input")
            if label in replaced and _inside(directory, resolved):
                raise ConfigError(f"{label} {path}: holds {dir_label} {directory}, which the command reads; "
                                  "expected an output directory that holds no input")
        if label in replaced:
            for input_label, input_path in inputs.items():
                if _inside(os.path.realpath(input_path), resolved):
                    raise ConfigError(f"{label} {path}: holds {input_label} {input_path}, which the command reads; "
                                      "expected an output directory that holds no input")
        if label in output_dirs or label in replaced:
            for marker, what in PRODUCT_MARKERS.items():
                if marker != paths.get("product") and is_product(resolved, marker):
                    raise ConfigError(f"{label} {path}: is {what}; expected a directory of this command's own "
                                      "outputs")
        owner = _owner(resolved, own_dirs)
        if owner is not None:
            raise ConfigError(f"{label} {path}: lies inside {owner[0]}, {owner[1]}; expected an output outside "
                              "every other product's directory")


def guard_paths(**roles: Any) -> Callable:
    """Declare a command's inputs and outputs (:class:`PathRoles` fields) and check them before it runs.

    The wrapped callback checks every path with :func:`check_paths`, finishes the
    half-published outputs of killed commands where it reads
    (:func:`gategenome.io.publish.finish_before_reading`), then runs
    the command; with ``publish="together"`` inside one
    :func:`gategenome.io.publish.publication` of its outputs.  The roles are kept
    as ``callback.path_roles`` for tests that walk the command list.
    """
    declared = PathRoles(**roles)

    def decorate(function: Callable) -> Callable:
        @functools.wraps(function)
        def guarded(*args, **params):
            labels, config = _running_command()
            paths = declared_paths(declared, params, labels)
            paths["inputs"].update(config)
            check_paths(paths)
            finish_before_reading([*paths["inputs"].values(), *paths["input_dirs"].values()])
            if declared.publish != "together":
                return function(*args, **params)
            with publication(files=paths["outputs"].values(), directories=paths["output_dirs"].values()):
                return function(*args, **params)

        guarded.path_roles = declared
        return guarded

    return decorate
