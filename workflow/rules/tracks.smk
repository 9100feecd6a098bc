# tracks: bigWig tracks of the forget gate (per strand) and predicted accessibility.


rule tracks:
    input:
        rules.gather.output,
    output:
        plus="results/{sample}/tracks/forget.plus.bw",
        minus="results/{sample}/tracks/forget.minus.bw",
        accessibility="results/{sample}/tracks/accessibility.bw",
        config="results/{sample}/config/tracks.yaml",
    params:
        out_dir=lambda wildcards, output: Path(output.plus).parent,
        settings=section_settings("tracks"),
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
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome tracks --scan-dir {input:q} --out-dir {params.out_dir:q} --workers {params.workers}"
        " --config {output.config:q} 2> {log:q}"
