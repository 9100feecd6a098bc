"""Scan chromosomes with a trained model: per-base forget gate and accessibility.
"""
