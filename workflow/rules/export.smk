# export: drops as bigBed + tabix BED, a UCSC track hub and an IGV session.


rule export:
    input:
        scan=rules.gather.output[0],
        drops=rules.call.output.drops,
        boundaries=rules.boundaries.output.boundaries,
        region_calls=rules.boundaries.output.regions,
        genome=GENOME,
        signal=sample_signal,
        tracks=rules.tracks.output,
    output:
        hub=directory("results/{sample}/hub"),
        config="results/{sample}/config/export.yaml",
    params:
        settings=section_settings("export"),
        tracks_dir=lambda wildcards, input: Path(input.tracks[0]).parent,
    log:
        "results/{sample}/logs/export.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("export"),
        runtime=job_runtime("export"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome export --scan-dir {input.scan:q} --drops {input.drops:q} --genome {input.genome:q}"
        " --boundaries {input.boundaries:q} --region-calls {input.region_calls:q}"
        " --tracks-dir {params.tracks_dir:q} --signal {input.signal:q} --config {output.config:q}"
        " --out-dir {output.hub:q} 2> {log:q}"
