# prepare: accessible regions, chromosome folds and chromosome sizes for one sample.


rule prepare:
    input:
        unpack(prepare_inputs),
    output:
        regions="results/{sample}/prepare/accessible.bed",
        folds="results/{sample}/prepare/folds.json",
        sizes="results/{sample}/prepare/chrom.sizes",
        settings="results/{sample}/prepare/prepare.json",
        config="results/{sample}/config/prepare.yaml",
    params:
        inputs=lambda wildcards, input: cli_options(
            {
                "peaks": input.get("peaks"),
                "blacklist": input.get("blacklist"),
                "signal_summary": input.get("signal_summary"),
            }
        ),
        settings=section_settings("prepare"),
        seed=config["seed"],
        out_dir=lambda wildcards, output: Path(output.settings).parent,
    log:
        "results/{sample}/logs/prepare.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("prepare"),
        runtime=job_runtime("prepare"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome prepare --genome {input.genome:q} --signal {input.signal:q} {params.inputs}"
        " --config {output.config:q} --seed {params.seed:q} --out-dir {params.out_dir:q} 2> {log:q}"
