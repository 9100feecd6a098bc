"""Prepare a genome and its ATAC-seq signal: accessible regions, chromosome folds, intervals.
"""
