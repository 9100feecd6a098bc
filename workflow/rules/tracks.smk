# tracks: bigWig tracks of the forget gate (per strand) and predicted accessibility.


rule tracks:
    input:
        rules.gather.output,
    output:
        plus="results/{sample}/tracks/forget.plus.bw",
        minus="results/{sample}/tracks/forget.minus.bw",
        accessibility="results/{sample}/tracks/accessibility.bw",
    params:
        out_dir=lambda wildcards, output: Path(output.plus).parent,
        options=cli_options(config["tracks"]),
        workers=lambda wildcards, threads: max(1, min(3, threads)),  # one process per track, up to 3
    log:
        "results/{sample}/logs/tracks.log",
    threads: TRACK_WORKERS  # one process per bigWig being written
    resources:
        mem_mb=job_mem_mb("tracks"),
        runtime=job_runtime("tracks"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "gategenome tracks --scan-dir {input:q} --out-dir {params.out_dir:q} --workers {params.workers}"
        " {params.options} 2> {log:q}"
