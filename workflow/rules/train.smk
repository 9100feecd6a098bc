# train: one LSTM per sample on the genome + that sample's ATAC-seq signal.


rule train:
    input:
        genome=GENOME,
        signal=sample_signal,
        regions=rules.prepare.output.regions,
        folds=rules.prepare.output.folds,
    output:
        model="results/{sample}/model/model.pt",
        metrics="results/{sample}/model/metrics.json",
        curves="results/{sample}/model/curves.png",
        settings="results/{sample}/model/train.yaml",
    params:
        settings=train_settings(),
        options=cli_options({"blacklist": BLACKLIST}),
        seed=config["seed"],
        device=config["device"],
    log:
        "results/{sample}/logs/train.log",
    benchmark:
        "results/{sample}/benchmarks/train.tsv"
    threads: config["threads"]["train"]
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 120 * attempt,
        gpu=config["gpu"],
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.settings}"
        " && gategenome train --genome {input.genome} --signal {input.signal}"
        " --regions {input.regions} --folds {input.folds} --config {output.settings} {params.options}"
        " --seed {params.seed} --threads {threads} --device {params.device} --no-progress"
        " --out {output.model} --metrics {output.metrics} --curves {output.curves} 2> {log}"
