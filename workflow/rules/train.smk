# train: one LSTM per sample on the genome + that sample's ATAC-seq signal. A sample made from
# reads (fragments or BAMs) learns its Tn5 insertions (train.target insertions, the cutsites.bw of
# rule signal) unless train.target is set; a sample given as a coverage bigWig learns the regions.


rule train:
    input:
        unpack(train_insertions),
        genome=GENOME,
        signal=sample_signal,
        regions=rules.prepare.output.regions,
        folds=rules.prepare.output.folds,
    output:
        model="results/{sample}/model/model.pt",
        metrics="results/{sample}/model/metrics.json",
        curves="results/{sample}/model/curves.png",
        settings="results/{sample}/model/train.yaml",
        resolved="results/{sample}/model/model.config.yaml",
    params:
        settings=train_settings,
        options=lambda wildcards, input: cli_options({"blacklist": BLACKLIST, "insertions": input.get("insertions")}),
        note=train_target_note,
        seed=config["seed"],
        device=config["device"],
        # written after each epoch and removed at the end; a failed job removes it too
        resume=lambda wildcards, output: Path(output.model).with_suffix(".resume.pt"),
    log:
        "results/{sample}/logs/train.log",
    benchmark:
        "results/{sample}/benchmarks/train.tsv"
    threads: config["threads"]["train"]
    resources:
        mem_mb=job_mem_mb("train"),
        runtime=job_runtime("train"),
        gpu=config["gpu"],
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.settings:q}"
        " && rm -f {params.resume:q}"
        " && printf '%s\\n' {params.note:q} > {log:q}"
        " && gategenome train --genome {input.genome:q} --signal {input.signal:q}"
        " --regions {input.regions:q} --folds {input.folds:q} --config {output.settings:q} {params.options}"
        " --seed {params.seed:q} --threads {threads} --device {params.device:q} --no-progress"
        " --out {output.model:q} --metrics {output.metrics:q} --curves {output.curves:q} 2>> {log:q}"
        " || {{ rm -f {params.resume:q}; exit 1; }}"


# train_dna: the sequence-only model of a sample (dna_model.enabled): same command and
# outputs as train, without the signal, from the dna_model recipe.
rule train_dna:
    input:
        genome=GENOME,
        regions=rules.prepare.output.regions,
        folds=rules.prepare.output.folds,
    output:
        model="results/{sample}/model_dna/model.pt",
        metrics="results/{sample}/model_dna/metrics.json",
        curves="results/{sample}/model_dna/curves.png",
        settings="results/{sample}/model_dna/train.yaml",
        resolved="results/{sample}/model_dna/model.config.yaml",
    params:
        settings=dna_train_settings() if config["dna_model"]["enabled"] else "",
        options=cli_options({"blacklist": BLACKLIST}),
        seed=config["seed"],
        device=config["device"],
        resume=lambda wildcards, output: Path(output.model).with_suffix(".resume.pt"),
    log:
        "results/{sample}/logs/train_dna.log",
    benchmark:
        "results/{sample}/benchmarks/train_dna.tsv"
    threads: config["threads"]["train"]
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 120 * attempt,
        gpu=config["gpu"],
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.settings:q}"
        " && rm -f {params.resume:q}"
        " && gategenome train --genome {input.genome:q}"
        " --regions {input.regions:q} --folds {input.folds:q} --config {output.settings:q} {params.options}"
        " --seed {params.seed:q} --threads {threads} --device {params.device:q} --no-progress"
        " --out {output.model:q} --metrics {output.metrics:q} --curves {output.curves:q} 2> {log:q}"
        " || {{ rm -f {params.resume:q}; exit 1; }}"
