# explain: why the gate drops. Each drop of the sample (the --top deepest) is attributed to the
# bases upstream of its summit through the model gate_model chooses, and the motifs found in
# the attributions are matched to JASPAR (results/{sample}/explain/motifs.html, linked from
# the evaluation report). Optional: config explain.enabled. With explain.target counts, the
# predicted insertions of the sample's own model (train.target insertions) around each of its
# peaks are explained instead (explain.model_part: main, or the Tn5 bias model alone).


rule explain:
    input:
        model=explain_model,
        genome=GENOME,
        signal=sample_signal,
        drops=explain_records,
    output:
        report=report("results/{sample}/explain/motifs.html", caption="../report/motifs.rst",
                      category="Motifs", labels={"sample": "{sample}"}),
        motifs="results/{sample}/explain/motifs.tsv",
        arrays="results/{sample}/explain/attributions.npz",
        plus="results/{sample}/explain/attribution.plus.bw",
        minus="results/{sample}/explain/attribution.minus.bw",
        table="results/{sample}/explain/drops.tsv",
        summary="results/{sample}/explain/explain.json",
        config="results/{sample}/config/explain.yaml",
    params:
        settings=section_settings("explain"),
        device=config["device"],
        out_dir=lambda wildcards, output: Path(output.report).parent,
    log:
        "results/{sample}/logs/explain.log",
    benchmark:
        "results/{sample}/benchmarks/explain.tsv"
    threads: config["threads"]["scan"]
    resources:
        mem_mb=lambda wildcards, attempt: 4000 * attempt,
        runtime=lambda wildcards, attempt: 240 * attempt,
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome explain --model {input.model:q} --genome {input.genome:q} --signal {input.signal:q}"
        " --drops {input.drops:q} --config {output.config:q} --threads {threads} --device {params.device:q}"
        " --no-progress --out-dir {params.out_dir:q} 2> {log:q}"
