"""The public API: each stage package exports its entry points and its settings, nothing else.

``from gategenome.scan import ScanSettings, run_scan`` is the whole of a stage as a
library; the rest is reached through the stage's modules.  Importing a stage
package stays cheap (the command line imports every stage's settings to show
``--help``): the entry points, whose modules import numpy or torch, are imported
on first use.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

#: Stage package -> its entry points and its settings.
PUBLIC = {
    "data": {"run_prepare", "run_signal", "PrepareSettings", "PeakRegionSettings", "SignalRegionSettings",
             "SignalSettings"},
    "train": {"run_train", "TrainConfig"},
    "scan": {"run_scan", "ScanSettings"},
    "call": {"run_call", "run_boundaries", "CallSettings", "BoundaryCallSettings"},
    "evaluate": {"run_evaluate", "run_review", "EvaluateSettings", "ReviewSettings"},
    "explain": {"run_explain", "ExplainSettings", "MotifSettings"},
    "variants": {"run_variants", "gather_parts", "VariantSettings"},
    "export": {"run_export", "run_tracks", "ExportSettings", "TrackSettings"},
    "design": {"run_memory", "run_reset", "SearchSettings", "ConstraintSettings", "BoundarySettings",
               "ContextSettings"},
    "simulate": {"run_simulate", "SimulationSettings"},
    "model": {"GateLSTM", "ModelConfig", "load_model", "save_checkpoint"},
}
#: Internal packages (and the scan-directory format inside io): their modules are imported directly.
INTERNAL = ("core", "io", "io/scandir")
PACKAGE = Path(__file__).resolve().parents[1] / "gategenome"
#: Libraries that importing a stage package must not load.
HEAVY = ("torch", "numpy", "matplotlib", "pyBigWig", "pysam")


@pytest.mark.parametrize("stage", sorted(PUBLIC))
def test_a_stage_exports_its_entry_points_and_settings(stage):
    package = importlib.import_module(f"gategenome.{stage}")
    assert set(package.__all__) == PUBLIC[stage]
    assert len(package.__all__) == len(PUBLIC[stage]), "a name listed twice"


@pytest.mark.parametrize("stage", sorted(PUBLIC))
def test_every_public_name_resolves_to_its_definition(stage):
    package = importlib.import_module(f"gategenome.{stage}")
    for name in package.__all__:
        value = getattr(package, name)
        assert value.__name__ == name and value.__module__.startswith(f"gategenome.{stage}.")
    with pytest.raises(AttributeError, match="no attribute 'not_public'"):
        package.not_public


def test_the_stages_are_all_listed():
    packages = {str(path.parent.relative_to(PACKAGE)) for path in PACKAGE.glob("**/__init__.py")} - {".", "cli"}
    assert packages == set(PUBLIC) | set(INTERNAL)


@pytest.mark.parametrize("package", INTERNAL)
def test_internal_packages_export_nothing(package):
    body = ast.parse((PACKAGE / package / "__init__.py").read_text()).body
    assert len(body) == 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant), \
        f"gategenome/{package}/__init__.py holds more than its docstring"


@pytest.mark.parametrize("stage", sorted(PUBLIC))
def test_importing_a_stage_package_loads_no_heavy_library(stage):
    script = f"import sys, gategenome.{stage}\nprint([name for name in {HEAVY!r} if name in sys.modules])\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]", f"import gategenome.{stage} loads {result.stdout.strip()}"
