"""A synthetic genome and ATAC-seq track with known accessibility boundaries.
"""
