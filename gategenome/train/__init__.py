"""Train the model: windows, the training loop, held-out evaluation and no-memory baselines.
"""
