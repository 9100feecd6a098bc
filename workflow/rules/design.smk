# design: long-memory DNA (the memory goal) for the model whose gates the sample's
# designs are read from (gate_model); designs.json and every FASTA header name it.


rule design:
    input:
        model=gate_model,
    output:
        fasta="results/{sample}/design/designs.fa",
        table="results/{sample}/design/designs.tsv",
        plot="results/{sample}/design/designs.png",
        settings="results/{sample}/design/designs.json",
        genbank="results/{sample}/design/designs.gb",
        gates="results/{sample}/design/designs.gates.png",
    params:
        options=cli_options({key: value for key, value in config["design"].items() if key != "enabled"}),
        seed=config["seed"],
        device=config["device"],
        prefix=lambda wildcards, output: Path(output.fasta).with_suffix(""),
    log:
        "results/{sample}/logs/design.log",
    benchmark:
        "results/{sample}/benchmarks/design.tsv"
    threads: 1
    resources:
        mem_mb=job_mem_mb("design"),
        runtime=job_runtime("design"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome design --model {input.model:q} {params.options} --seed {params.seed:q}"
        " --device {params.device:q} --out-prefix {params.prefix:q} 2> {log:q}"


# resets: synthetic boundary elements (the reset goal) for the same model, tested where they
# would be used: inserted into native closed chromatin of the genome, against their own
# dinucleotide shuffles (designs/resets.json "genomic_context"), and their top 6-mers counted
# around the sample's drops. Optional: config resets.enabled.
rule resets:
    input:
        model=gate_model,
        genome=GENOME,
        drops=rules.call.output.drops,
        accessible=rules.prepare.output.regions,
    output:
        fasta="results/{sample}/design/resets.fa",
        table="results/{sample}/design/resets.tsv",
        plot="results/{sample}/design/resets.png",
        settings="results/{sample}/design/resets.json",
        genbank="results/{sample}/design/resets.gb",
        gates="results/{sample}/design/resets.gates.png",
    params:
        options=cli_options({key: value for key, value in config["resets"].items() if key != "enabled"}),
        seed=config["seed"],
        device=config["device"],
        prefix=lambda wildcards, output: Path(output.fasta).with_suffix(""),
    log:
        "results/{sample}/logs/resets.log",
    benchmark:
        "results/{sample}/benchmarks/resets.tsv"
    threads: 1
    resources:
        mem_mb=job_mem_mb("resets"),
        runtime=job_runtime("resets"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome design --goal reset --model {input.model:q} --genome {input.genome:q}"
        " --boundaries {input.drops:q} --accessible {input.accessible:q} {params.options}"
        " --seed {params.seed:q} --device {params.device:q} --out-prefix {params.prefix:q} 2> {log:q}"
