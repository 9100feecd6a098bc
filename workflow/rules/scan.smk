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
        chrom=chrom_of_shard,
        strand=strand_option,
        seed=config["seed"],
        device=config["device"],
    log:
        "results/{sample}/logs/scan/{chrom}.{strand}.log",
    benchmark:
        "results/{sample}/benchmarks/scan/{chrom}.{strand}.tsv"
    threads: config["threads"]["scan"]
    resources:
        mem_mb=job_mem_mb("scan_chrom"),
        runtime=job_runtime("scan_chrom"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome scan --model {input.model:q} --genome {input.genome:q} --signal {input.signal:q}"
        " --chrom {params.chrom:q} --strand {params.strand:q} {params.options} --seed {params.seed:q}"
        " --threads {threads} --device {params.device:q} --no-progress --out-dir {output.shard:q} 2> {log:q}"


rule gather:
    input:
        scan_shards,
    output:
        directory("results/{sample}/scan"),
    log:
        "results/{sample}/logs/gather.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("gather"),
        runtime=job_runtime("gather"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome gather --out-dir {output:q} {input:q} 2> {log:q}"
