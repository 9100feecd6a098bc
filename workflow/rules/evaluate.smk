# evaluate: do the drops mark the edges of the accessible regions, and do replicates' drops agree? (HTML report)


rule evaluate:
    input:
        drops=rules.call.output.drops,
        boundaries=rules.boundaries.output.boundaries,
        region_calls=rules.boundaries.output.regions,
        scan=rules.gather.output[0],
        regions=rules.prepare.output.regions,
        folds=rules.prepare.output.folds,
        metrics=rules.train.output.metrics,
        signal=sample_signal,
        replicate_drops=replicate_drops,
        replicate_scans=replicate_scans,
        replicate_boundaries=replicate_boundaries,
        explain=explain_report,
    output:
        report=report("results/{sample}/evaluation/report.html", caption="../report/evaluation.rst",
                      category="Evaluation", labels={"sample": "{sample}"}),
        numbers="results/{sample}/evaluation/evaluation.json",
        config="results/{sample}/config/evaluate.yaml",
    params:
        settings=section_settings("evaluate"),
        replicates=replicate_evaluate_options,
        explain=explain_report_option,
        seed=config["seed"],
        out_dir=lambda wildcards, output: Path(output.report).parent,
    log:
        "results/{sample}/logs/evaluate.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("evaluate"),
        runtime=job_runtime("evaluate"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome evaluate --drops {input.drops:q} --scan-dir {input.scan:q} --regions {input.regions:q}"
        " --boundaries {input.boundaries:q} --region-calls {input.region_calls:q}"
        " --folds {input.folds:q} --metrics {input.metrics:q} --signal {input.signal:q} --config {output.config:q}"
        " {params.replicates} {params.explain} --seed {params.seed:q} --out-dir {params.out_dir:q} 2> {log:q}"
