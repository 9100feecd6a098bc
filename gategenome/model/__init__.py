"""The gated LSTM, its inputs, exact forget-gate recovery and checkpoints.
"""
