# variants: each VCF of config["variants"] scored against the sample's model (one job
# per VCF and sample); the drop threshold is call's, from the sample's scan.


rule variants:
    input:
        model=rules.train.output.model,
        genome=GENOME,
        signal=sample_signal,
        vcf=variant_vcf,
        scan=rules.gather.output,
    output:
        vcf="results/{sample}/variants/{vcf}.vcf.gz",
        index="results/{sample}/variants/{vcf}.vcf.gz.tbi",
        table="results/{sample}/variants/{vcf}.tsv",
        summary="results/{sample}/variants/{vcf}.json",
    params:
        prefix=lambda wildcards, output: output.table[: -len(".tsv")],
        device=config["device"],
    log:
        "results/{sample}/logs/variants/{vcf}.log",
    benchmark:
        "results/{sample}/benchmarks/variants/{vcf}.tsv"
    threads: config["threads"]["scan"]
    resources:
        mem_mb=lambda wildcards, attempt: 3000 * attempt,
        runtime=lambda wildcards, attempt: 120 * attempt,
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome variants --model {input.model:q} --genome {input.genome:q} --signal {input.signal:q}"
        " --vcf {input.vcf:q} --scan-dir {input.scan:q} --threads {threads} --device {params.device}"
        " --no-progress --out {params.prefix:q} 2> {log:q}"
