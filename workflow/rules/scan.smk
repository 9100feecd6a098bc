# scan: the trained model over every chromosome and strand (one job each, with the
# shuffled-sequence null), then `gategenome gather` merges the shards into one scan directory.


rule scan_chrom:
    input:
        model=rules.train.output.model,
        genome=GENOME,
        signal=sample_signal,
    output:
        shard=temp(directory("results/{sample}/scan_shards/{chrom}.{strand}")),
    params:
        options=cli_options(
            {key: value for key, value in config["scan"].items() if key not in ("chroms", "exclude", "strand", "split_strands")}
        ),
        strand=strand_option,
        seed=config["seed"],
        device=config["device"],
    log:
        "results/{sample}/logs/scan/{chrom}.{strand}.log",
    benchmark:
        "results/{sample}/benchmarks/scan/{chrom}.{strand}.tsv"
    threads: config["threads"]["scan"]
    resources:
        mem_mb=lambda wildcards, attempt: 3000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome scan --model {input.model} --genome {input.genome} --signal {input.signal}"
        " --chrom {wildcards.chrom} --strand {params.strand} {params.options} --seed {params.seed} --threads {threads}"
        " --device {params.device} --no-progress --out-dir {output.shard} 2> {log}"


rule gather:
    input:
        scan_shards,
    output:
        directory("results/{sample}/scan"),
    log:
        "results/{sample}/logs/gather.log",
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1000 * attempt,
        runtime=lambda wildcards, attempt: 10 * attempt,
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome gather --out-dir {output} {input} 2> {log}"
