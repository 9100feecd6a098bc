"""Build hook: the wheel carries the workflow files as the package data ``gategenome/_workflow``.

The workflow (``Snakefile``, ``workflow/``, ``envs/``, ``profiles/``, ``config/``)
stays at the root of the checkout, the entry point of ``snakemake`` run there.  A
wheel copies those files into ``gategenome/_workflow`` of its build directory only,
so ``gategenome run`` finds them in an install without a checkout
(``gategenome/core/checkout.py``); the source tree holds no second copy.  The
sdist carries the same files (``MANIFEST.in``), so a wheel built from it has them.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: The workflow files, relative to the checkout root (gategenome.core.checkout reads them).
WORKFLOW_FILES = ("Snakefile", "workflow", "envs", "profiles", "config")
#: Where the wheel carries them (gategenome.core.checkout.PACKAGED_WORKFLOW).
PACKAGED_WORKFLOW = Path("gategenome") / "_workflow"


class BuildPyWithWorkflow(build_py):
    """``build_py`` that also copies the workflow files into the package of the build directory."""

    def run(self):
        super().run()
        if self.editable_mode:  # an editable install runs from the checkout, workflow and all
            return
        target = Path(self.build_lib) / PACKAGED_WORKFLOW
        shutil.rmtree(target, ignore_errors=True)
        for name in WORKFLOW_FILES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildPyWithWorkflow})
