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
