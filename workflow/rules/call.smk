# call: forget-gate drops (accessibility boundaries) with empirical q-values.


rule call:
    input:
        rules.gather.output,
    output:
        drops="results/{sample}/drops.bed",
        settings="results/{sample}/drops.json",
        config="results/{sample}/config/call.yaml",
    params:
        settings=section_settings("call"),
    log:
        "results/{sample}/logs/call.log",
    benchmark:
        "results/{sample}/benchmarks/call.tsv"
    threads: 1
    resources:
        mem_mb=job_mem_mb("call"),
        runtime=job_runtime("call"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome call --scan-dir {input:q} --out {output.drops:q} --config {output.config:q} 2> {log:q}"


# boundaries: one call per boundary (both strands' drops merged) and region calls from boundary pairs.
rule boundaries:
    input:
        rules.gather.output,
    output:
        boundaries="results/{sample}/boundaries.bed",
        regions="results/{sample}/region_calls.bed",
        settings="results/{sample}/boundaries.json",
        config="results/{sample}/config/boundaries.yaml",
    params:
        settings=section_settings("call"),
    log:
        "results/{sample}/logs/boundaries.log",
    benchmark:
        "results/{sample}/benchmarks/boundaries.tsv"
    threads: 1
    resources:
        mem_mb=job_mem_mb("boundaries"),
        runtime=job_runtime("boundaries"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome boundaries --scan-dir {input:q} --out {output.boundaries:q} --regions-out {output.regions:q}"
        " --config {output.config:q} 2> {log:q}"
