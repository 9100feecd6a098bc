# replicates: a sample with two or more replicate rows (fragments or BAMs) is pooled into
# one signal to train and scan; each replicate also gets its own signal, scanned with the
# sample's (pooled) model and called (drops and boundaries), so that evaluate can ask whether they agree.


rule signal_replicate:
    input:
        unpack(replicate_signal_inputs),
    output:
        coverage="results/{sample}/replicates/{replicate}/signal/coverage.bw",
        cutsites="results/{sample}/replicates/{replicate}/signal/cutsites.bw",
        summary="results/{sample}/replicates/{replicate}/signal/signal.json",
        config="results/{sample}/replicates/{replicate}/config/signal.yaml",
    params:
        inputs=lambda wildcards, input: cli_options(
            {"fragments": list(input.fragments), "bam": list(input.bam), "barcodes": input.get("barcodes")}
        ),
        settings=section_settings("signal"),
        out_dir=lambda wildcards, output: Path(output.summary).parent,
    log:
        "results/{sample}/logs/replicates/{replicate}/signal.log",
    benchmark:
        "results/{sample}/benchmarks/replicates/{replicate}/signal.tsv"
    threads: 1
    resources:
        mem_mb=job_mem_mb("signal_replicate"),
        runtime=job_runtime("signal_replicate"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome signal --genome {input.genome:q} {params.inputs} --config {output.config:q} --no-call-peaks"
        " --out-dir {params.out_dir:q} 2> {log:q}"


rule scan_replicate:
    input:
        model=rules.train.output.model,
        genome=GENOME,
        signal=rules.signal_replicate.output.coverage,
    output:
        scan=directory("results/{sample}/replicates/{replicate}/scan"),
        config="results/{sample}/config/replicates/{replicate}/scan.yaml",
    params:
        settings=section_settings("scan"),
        chroms=cli_options({"chrom": CHROMS}),
        strand=config["scan"]["strand"],
        seed=config["seed"],
        device=config["device"],
    log:
        "results/{sample}/logs/replicates/{replicate}/scan.log",
    benchmark:
        "results/{sample}/benchmarks/replicates/{replicate}/scan.tsv"
    threads: config["threads"]["scan"]
    resources:
        mem_mb=job_mem_mb("scan_replicate"),
        runtime=job_runtime("scan_replicate"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome scan --model {input.model:q} --genome {input.genome:q} --signal {input.signal:q}"
        " {params.chroms} --strand {params.strand:q} --config {output.config:q} --seed {params.seed:q}"
        " --threads {threads} --device {params.device:q} --no-tracks --no-progress --out-dir {output.scan:q}"
        " 2> {log:q}"


rule call_replicate:
    input:
        rules.scan_replicate.output.scan,
    output:
        drops="results/{sample}/replicates/{replicate}/drops.bed",
        settings="results/{sample}/replicates/{replicate}/drops.json",
        config="results/{sample}/replicates/{replicate}/config/call.yaml",
    params:
        settings=section_settings("call"),
    log:
        "results/{sample}/logs/replicates/{replicate}/call.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("call_replicate"),
        runtime=job_runtime("call_replicate"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome call --scan-dir {input:q} --out {output.drops:q} --config {output.config:q} 2> {log:q}"


rule boundaries_replicate:
    input:
        rules.scan_replicate.output.scan,
    output:
        boundaries="results/{sample}/replicates/{replicate}/boundaries.bed",
        settings="results/{sample}/replicates/{replicate}/boundaries.json",
        config="results/{sample}/config/replicates/{replicate}/boundaries.yaml",
    params:
        settings=section_settings("call"),
    log:
        "results/{sample}/logs/replicates/{replicate}/boundaries.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("boundaries_replicate"),
        runtime=job_runtime("boundaries_replicate"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome boundaries --scan-dir {input:q} --out {output.boundaries:q} --config {output.config:q}"
        " 2> {log:q}"
