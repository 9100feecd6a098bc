# variants: each VCF of config["variants"] scored against the sample's model (one job
# per VCF and sample); the drop threshold is call's, from the sample's scan.
# With variants_scatter: one variants_chrom job per VCF, sample and genome chromosome
# (records read through the VCF's index), joined in genome order by variants_gather
# into the same outputs.


if not VARIANTS_SCATTER:

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
            mem_mb=job_mem_mb("variants"),
            runtime=job_runtime("variants"),
        conda:
            "../../envs/gategenome.yaml"
        shell:
            "gategenome variants --model {input.model:q} --genome {input.genome:q} --signal {input.signal:q}"
            " --vcf {input.vcf:q} --scan-dir {input.scan:q} --threads {threads} --device {params.device:q}"
            " --no-progress --out {params.prefix:q} 2> {log:q}"

else:

    rule variants_chrom:
        input:
            model=rules.train.output.model,
            genome=GENOME,
            signal=sample_signal,
            vcf=variant_vcf,
            scan=rules.gather.output,
        output:
            vcf=temp("results/{sample}/variants/{vcf}.parts/{chrom}.vcf.gz"),
            index=temp("results/{sample}/variants/{vcf}.parts/{chrom}.vcf.gz.tbi"),
            table=temp("results/{sample}/variants/{vcf}.parts/{chrom}.tsv"),
            summary=temp("results/{sample}/variants/{vcf}.parts/{chrom}.json"),
        params:
            prefix=lambda wildcards, output: output.table[: -len(".tsv")],
            chrom=lambda wildcards: VARIANT_CHROMS[wildcards.chrom],
            device=config["device"],
        log:
            "results/{sample}/logs/variants/{vcf}.{chrom}.log",
        benchmark:
            "results/{sample}/benchmarks/variants/{vcf}.{chrom}.tsv"
        threads: config["threads"]["scan"]
        resources:
            mem_mb=job_mem_mb("variants_chrom"),
            runtime=job_runtime("variants_chrom"),
        conda:
            "../../envs/gategenome.yaml"
        shell:
            "gategenome variants --model {input.model:q} --genome {input.genome:q} --signal {input.signal:q}"
            " --vcf {input.vcf:q} --chrom {params.chrom:q} --scan-dir {input.scan:q} --threads {threads}"
            " --device {params.device:q} --no-progress --out {params.prefix:q} 2> {log:q}"

    rule variants_gather:
        input:
            tables=variant_part_tables,
        output:
            vcf="results/{sample}/variants/{vcf}.vcf.gz",
            index="results/{sample}/variants/{vcf}.vcf.gz.tbi",
            table="results/{sample}/variants/{vcf}.tsv",
            summary="results/{sample}/variants/{vcf}.json",
        params:
            prefix=lambda wildcards, output: output.table[: -len(".tsv")],
            parts=lambda wildcards, input: [table[: -len(".tsv")] for table in input.tables],
        log:
            "results/{sample}/logs/variants/{vcf}.gather.log",
        resources:
            mem_mb=1000,
            runtime=30,
        conda:
            "../../envs/gategenome.yaml"
        shell:
            "gategenome variants-gather --out {params.prefix:q} {params.parts:q} 2> {log:q}"
