# scan: the trained model over every chromosome (one job each, both strands),
# then the shards are gathered into one scan directory.


rule scan_chrom:
    input:
        model="results/{sample}/model/model.pt",
        genome=GENOME,
        signal=sample_signal,
    output:
        shard=temp(directory("results/{sample}/scan_shards/{chrom}")),
    params:
        strand=config["scan"]["strand"],
        device=config["device"],
    log:
        "results/{sample}/logs/scan/{chrom}.log",
    benchmark:
        "results/{sample}/benchmarks/scan/{chrom}.tsv"
    threads: config["threads"]["scan"]
    resources:
        mem_mb=lambda wildcards, attempt: 3000 * attempt,
        runtime=lambda wildcards, attempt: 60 * attempt,
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome scan --model {input.model} --genome {input.genome} --signal {input.signal}"
        " --chrom {wildcards.chrom} --strand {params.strand} --device {params.device}"
        " --out-dir {output.shard} 2> {log}"


rule gather_scan:
    input:
        scan_shards,
    output:
        directory("results/{sample}/scan"),
    log:
        "results/{sample}/logs/gather_scan.log",
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 1000 * attempt,
        runtime=lambda wildcards, attempt: 10 * attempt,
    conda:
        "../../envs/gategenome.yaml"
    script:
        "../scripts/gather_scan.py"
