"""docs/config.md is the page gategenome.cli.reference renders: it cannot drift from the declarations."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from gategenome.cli.reference import SCHEMA, SECTIONS, render_reference

ROOT = Path(__file__).parents[2]


def test_committed_page_is_the_generated_one():
    expected = render_reference(yaml.safe_load(SCHEMA.read_text()))
    assert (ROOT / "docs/config.md").read_text() == expected, \
        "docs/config.md is stale: run python -m gategenome.cli.reference > docs/config.md"


def test_module_prints_the_page():
    printed = subprocess.run([sys.executable, "-m", "gategenome.cli.reference"], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout
    assert printed == (ROOT / "docs/config.md").read_text()


def test_every_section_and_declared_setting_has_a_row():
    page = (ROOT / "docs/config.md").read_text()
    schema = yaml.safe_load(SCHEMA.read_text())
    for name, spec in schema["properties"].items():
        if spec.get("type") == "object":
            assert f"\n## {name}\n" in page
    help_texts = [item.metadata["help"] for section in SECTIONS.values() for cls in section.classes
                  for item in cls.__dataclass_fields__.values() if "help" in item.metadata
                  and item.name not in section.from_rule + section.not_taken]
    assert all(text.replace("|", "\\|") in page for text in help_texts)
