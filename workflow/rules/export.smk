# export: drops as bigBed + tabix BED, a UCSC track hub and an IGV session; review: a page of the
# calls to look at, each in an igv.js view.


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


rule review:
    input:
        unpack(review_inputs),
    output:
        page="results/{sample}/review.html",
        config="results/{sample}/config/review.yaml",
    params:
        settings=section_settings("review"),
        options=review_options,
        tracks_dir=lambda wildcards, input: Path(input.tracks[0]).parent,
    log:
        "results/{sample}/logs/review.log",
    threads: 1
    resources:
        mem_mb=job_mem_mb("review"),
        runtime=job_runtime("review"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome review --genome {input.genome:q} --signal {input.signal:q} --tracks-dir {params.tracks_dir:q}"
        " --boundaries {input.boundaries:q} {params.options} --config {output.config:q}"
        " --out {output.page:q} 2> {log:q}"
