# design: long-memory DNA ('gategenome design memory') for the model whose gates the sample's
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
        config="results/{sample}/config/design.yaml",
    params:
        settings=section_settings("design"),
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
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome design memory --model {input.model:q} --config {output.config:q} --seed {params.seed:q}"
        " --device {params.device:q} --out-prefix {params.prefix:q} 2> {log:q}"


# resets: synthetic boundary elements ('gategenome design reset') for the same model, tested where they
# would be used: inserted into native closed chromatin of the genome, against their own
# dinucleotide shuffles (designs/resets.json "genomic_context"), and their top 6-mers counted
# around the sample's drops. Optional: config resets.enabled; resets.length is --element-length.
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
        config="results/{sample}/config/resets.yaml",
    params:
        settings=section_settings("resets"),
        length=config["resets"]["length"],
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
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome design reset --model {input.model:q} --genome {input.genome:q}"
        " --boundaries {input.drops:q} --accessible {input.accessible:q} --element-length {params.length:q}"
        " --config {output.config:q}"
        " --seed {params.seed:q} --device {params.device:q} --out-prefix {params.prefix:q} 2> {log:q}"
