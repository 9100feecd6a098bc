# scan: the trained model over every chromosome and strand (one job each, with the
# shuffled-sequence null), then `gategenome gather` merges the shards into one scan directory.


rule scan_chrom:
    input:
        model=rules.train.output.model,
        genome=GENOME,
        signal=sample_signal,
    output:
        shard=temp(directory("results/{sample}/scan_shards/{chrom}.{strand}")),
        config="results/{sample}/config/scan/{chrom}.{strand}.yaml",
    params:
        settings=section_settings("scan"),
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
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome scan --model {input.model:q} --genome {input.genome:q} --signal {input.signal:q}"
        " --chrom {params.chrom:q} --strand {params.strand:q} --config {output.config:q} --seed {params.seed:q}"
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
