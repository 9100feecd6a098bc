# multiqc_files: each sample's library QC, model metrics and call counts as MultiQC custom
# content (results/{sample}/multiqc/gategenome_*_mqc.json); `multiqc results/` then shows them.


rule multiqc_files:
    input:
        unpack(multiqc_inputs),
    output:
        directory("results/{sample}/multiqc"),
    params:
        inputs=lambda wildcards, input: cli_options({key: input.get(key) for key in
                                                     ("signal_summary", "metrics", "drops", "boundaries",
                                                      "region_calls", "evaluation")}),
    log:
        "results/{sample}/logs/multiqc_files.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("multiqc_files"),
        runtime=job_runtime("multiqc_files"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome multiqc-files --sample {wildcards.sample:q} {params.inputs} --out-dir {output:q} 2> {log:q}"
