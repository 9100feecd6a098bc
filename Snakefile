# gategenome workflow: genome FASTA + ATAC-seq bigWigs, fragments or BAMs -> forget-gate boundary calls and tracks.
#
#   snakemake --cores 4                                  # config/config.yaml + config/samples.tsv
#   snakemake --cores 4 --configfile config/yeast.yaml   # another configuration
#   snakemake --profile profiles/slurm                   # on a SLURM cluster
#
# Outputs land under results/{sample}/ (see docs/workflow.md).

from snakemake.utils import min_version

min_version("8.10")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/resources.smk"
include: "workflow/rules/signal.smk"
include: "workflow/rules/prepare.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/scan.smk"
include: "workflow/rules/tracks.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/replicates.smk"
include: "workflow/rules/evaluate.smk"
include: "workflow/rules/export.smk"
include: "workflow/rules/design.smk"
include: "workflow/rules/variants.smk"
include: "workflow/rules/explain.smk"
include: "workflow/rules/multiqc.smk"


rule all:
    input:
        all_outputs(),
    default_target: True
