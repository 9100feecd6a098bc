"""Entry point: the ``gategenome`` click group, logging setup and error handling."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click

from gategenome import __version__


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
_NOT_COMMANDS = {"main", "common", "options", "reference"}


def _command_modules() -> list[str]:
    import gategenome.cli as package

    return sorted(
        info.name for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_") and info.name not in _NOT_COMMANDS
    )


class CommandGroup(click.Group):
    """A group that finds subcommands in ``gategenome.cli`` modules and turns
    library errors into one-line messages with exit status 1: the library's own
    (:class:`~gategenome.errors.GategenomeError`) and, should one escape a reader,
    what pysam, gzip, zlib or pyBigWig raise (:data:`gategenome.io.reading.LIBRARY_ERRORS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name.replace("_", "-") for name in _command_modules()]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module_name = name.replace("-", "_")
        if module_name not in _command_modules():
            return None
        return importlib.import_module(f"gategenome.cli.{module_name}").command

    def invoke(self, ctx: click.Context):
        from gategenome.errors import GategenomeError
        from gategenome.io.reading import LIBRARY_ERRORS, describe

        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise  # click's own: usage errors, --help, exit codes (Exit and Abort are RuntimeErrors)
        except GategenomeError as exc:
            message = " ".join(str(exc).split("\n"))
            click.echo(f"gategenome: error: {message}", err=True)
            ctx.exit(1)
        except LIBRARY_ERRORS as exc:  # a reader that escaped gategenome.io.reading: still one line, no traceback
            logging.getLogger("gategenome").debug("unexpected %s", type(exc).__name__, exc_info=True)
            where = f"{exc.filename}: " if isinstance(exc, OSError) and exc.filename else ""
            click.echo(f"gategenome: error: {where}{type(exc).__name__}: {describe(exc)} "
                       "(run with -v for the traceback)", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("gategenome: interrupted", err=True)
            ctx.exit(130)


def setup_logging(verbosity: int, quiet: bool) -> None:
    """Log to stderr: INFO by default, DEBUG with ``-v``, WARNING with ``-q``."""
    level = logging.WARNING if quiet else (logging.DEBUG if verbosity else logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    root = logging.getLogger("gategenome")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(cls=CommandGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="gategenome")
@click.option("-v", "--verbose", count=True, help="More log detail on stderr (debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors on stderr.")
def cli(verbose: int, quiet: bool) -> None:
    """Find accessibility boundaries where an LSTM's forget gate drops.

    Train an LSTM on a genome (FASTA) and its ATAC-seq signal (bigWig), scan every
    chromosome on both strands, call forget-gate drops as BED, write bigWig gate
    tracks for IGV/UCSC, and design long-memory DNA.

    \b
    Examples:
      gategenome prepare --genome sacCer3.fa --signal atac.bw --out-dir prep
      gategenome <command> --help
    """
    setup_logging(verbose, quiet)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="gategenome")


if __name__ == "__main__":
    main()
