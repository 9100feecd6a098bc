# call: forget-gate drops (accessibility boundaries) with empirical q-values.


rule call:
    input:
        "results/{sample}/scan",
    output:
        "results/{sample}/drops.bed",
    params:
        fdr=config["call"]["fdr"],
    log:
        "results/{sample}/logs/call.log",
    benchmark:
        "results/{sample}/benchmarks/call.tsv"
    threads: 1
    resources:
        mem_mb=lambda wildcards, attempt: 2000 * attempt,
        runtime=lambda wildcards, attempt: 30 * attempt,
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome call --scan-dir {input} --out {output} --fdr {params.fdr} 2> {log}"
