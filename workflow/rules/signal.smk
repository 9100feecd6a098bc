# signal: coverage and cut-site bigWigs and MACS3 peaks of a sample given as fragments
# files or BAMs (sample-sheet columns fragments / bam); its replicate rows are pooled.
# Its library QC (signal.json, qc.png) has the TSS enrichment when the config names tss.


rule signal:
    input:
        unpack(signal_inputs),
    output:
        coverage="results/{sample}/signal/coverage.bw",
        cutsites="results/{sample}/signal/cutsites.bw",
        peaks="results/{sample}/signal/peaks.narrowPeak",
        summary="results/{sample}/signal/signal.json",
        config="results/{sample}/config/signal.yaml",
    params:
        inputs=lambda wildcards, input: cli_options(
            {"fragments": list(input.fragments), "bam": list(input.bam), "barcodes": input.get("barcodes"),
             "tss": input.get("tss")}
        ),
        settings=section_settings("signal"),
        out_dir=lambda wildcards, output: Path(output.summary).parent,
    log:
        "results/{sample}/logs/signal.log",
    benchmark:
        "results/{sample}/benchmarks/signal.tsv"
    threads: 1
    resources:
        mem_mb=job_mem_mb("signal"),
        runtime=job_runtime("signal"),
    conda:
        "../../envs/gategenome.yaml"
    shell:
        "printf '%s' {params.settings:q} > {output.config:q}"
        " && gategenome signal --genome {input.genome:q} {params.inputs} --config {output.config:q} --call-peaks"
        " --out-dir {params.out_dir:q} 2> {log:q}"
