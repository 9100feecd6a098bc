"""Train the model: sampled windows, the loss with its forget-gate terms, the epoch loop.

Windows are sampled from the train chromosomes; each epoch is validated on the
valid chromosomes (per-base auPRC selects the weights and stops early), a resume
checkpoint makes a killed run continue bit for bit, and the held-out test fold
and no-memory baselines give the numbers in ``metrics.json``.
:class:`TrainConfig` imports no torch.
"""

from gategenome._lazy import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(__name__, {
    "baselines": ["CnnBaseline", "KmerFeatures", "KmerLogistic", "signal_scores"],
    "config": ["TrainConfig", "dump_config", "load_config", "validate_sections"],
    "curves": ["plot_curves"],
    "cached": ["CachedChromosome"],
    "dataset": ["TrainingData", "open_training_data"],
    "files": ["TrainInputs", "TrainOutputs", "file_identity", "input_identities"],
    "foldstats": ["BOUNDARY_FLANK", "PROFILE_FLANK", "FoldStatistics"],
    "holdout": ["evaluate_fold", "predict_chromosome", "predict_segments", "sample_segments", "strand_averaged_metrics"],
    "loop": ["run_train", "set_determinism"],
    "objective": ["LossTerms", "balance_weights", "edge_zone", "gate_penalty_term", "gate_scale", "loss_terms"],
    "resume": ["initial_state", "load_resume", "save_resume"],
    "schedule": ["learning_rate"],
    "windows": ["Batch", "Chromosome", "WindowSampler", "edge_index", "load_chromosomes"],
})
