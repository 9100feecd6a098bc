"""A bad configuration stops the workflow before any job, naming the key."""

from __future__ import annotations

import pytest
import yaml
from workflow_helpers import ROOT, TINY, run_snakemake, write_config


def _fails_naming(workdir, *words):
    result = run_snakemake(workdir, "--cores", "1", check=False)
    assert result.returncode != 0
    for word in words:
        assert word in result.stderr, result.stderr[-2000:]
    assert not (workdir / "results").exists()  # no job ran
    return result


def test_missing_bigwig_names_the_sample_and_column(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": tmp_path / "absent.bw"}], **TINY)
    _fails_naming(tmp_path, "bigwig", "absent.bw", "'s1'")


def test_unknown_key_is_named(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}], **TINY)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    config["train"]["epohcs"] = 3
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    _fails_naming(tmp_path, "epohcs")


def test_unknown_top_level_key_is_named(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}], fdr=0.1, **TINY)
    _fails_naming(tmp_path, "fdr")


@pytest.mark.parametrize(("section", "key", "value"), [("train", "lr", float("nan")),
                                                      ("model", "chrono_max", float("inf")),
                                                      ("call", "fdr", float("nan"))])
def test_a_non_finite_number_is_named(tmp_path, mini, section, key, value):
    """NaN and infinity pass the schema's range rules; the workflow still stops before any job, naming the key."""
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}], **TINY)
    config = yaml.safe_load((tmp_path / "config.yaml").read_text())
    config.setdefault(section, {})[key] = value
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    _fails_naming(tmp_path, f"{section}.{key}", "expected a finite number")


@pytest.mark.parametrize("name", ["bad name"])
def test_bad_sample_name_is_named(tmp_path, mini, name):
    write_config(tmp_path, mini["genome"], [{"sample": name, "bigwig": mini["signal"]}], **TINY)
    _fails_naming(tmp_path, "sample", repr(name))


def test_missing_genome_is_named(tmp_path, mini):
    write_config(tmp_path, tmp_path / "nope.fa", [{"sample": "s1", "bigwig": mini["signal"]}], **TINY)
    _fails_naming(tmp_path, "genome", "nope.fa")


def test_unknown_scan_chromosome_is_named(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}],
                 scan={"chroms": ["chrZZ"]}, **TINY)
    _fails_naming(tmp_path, "scan.chroms", "chrZZ")


def test_variant_files_with_the_same_name_are_named(tmp_path, mini):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    vcfs = [tmp_path / "a" / "calls.vcf", tmp_path / "b" / "calls.vcf.gz"]
    for path in vcfs:
        path.write_text("##fileformat=VCFv4.2\n")
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}],
                 variants=[str(path) for path in vcfs], **TINY)
    _fails_naming(tmp_path, "variants", "calls")


def test_scattered_variant_file_without_index_is_named(tmp_path, mini):
    vcf = tmp_path / "calls.vcf.gz"
    vcf.write_text("##fileformat=VCFv4.2\n")
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}],
                 variants=[str(vcf)], variants_scatter=True, **TINY)
    _fails_naming(tmp_path, "variants", "calls.vcf.gz", "no index")


def test_scattered_variant_file_with_a_stale_index_is_named(tmp_path, mini):
    import os

    vcf = tmp_path / "calls.vcf.gz"
    vcf.write_text("##fileformat=VCFv4.2\n")
    index = tmp_path / "calls.vcf.gz.tbi"
    index.write_text("")
    os.utime(index, ns=(vcf.stat().st_mtime_ns - 10**9,) * 2)
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}],
                 variants=[str(vcf)], variants_scatter=True, **TINY)
    _fails_naming(tmp_path, "variants", "calls.vcf.gz.tbi", "is older than")


@pytest.mark.parametrize("name", ["config.yaml", "demo.yaml", "yeast.yaml"])
def test_shipped_configurations_pass_the_schema(name):
    """`make demo` and the documented runs start from these files: each must validate as shipped."""
    import jsonschema

    def merged(base, override):
        for key, value in override.items():
            if isinstance(value, dict) and isinstance(base.get(key), dict):
                merged(base[key], value)
            else:
                base[key] = value
        return base

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    config = merged(config, yaml.safe_load((ROOT / "config" / name).read_text()))
    schema = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
    errors = [error.message for error in jsonschema.Draft7Validator(schema).iter_errors(config)]
    assert errors == []


def test_dna_model_with_signal_input_is_refused(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}],
                 dna_model={"enabled": True, "model": {"inputs": "dna+signal"}}, **TINY)
    _fails_naming(tmp_path, "dna")


def test_missing_dna_model_recipe_is_named(tmp_path, mini):
    write_config(tmp_path, mini["genome"], [{"sample": "s1", "bigwig": mini["signal"]}],
                 dna_model={"enabled": True, "recipe": str(tmp_path / "nope.yaml")}, **TINY)
    _fails_naming(tmp_path, "dna_model.recipe", "nope.yaml")
