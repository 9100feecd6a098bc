"""Readers and writers for genomes (FASTA), signal (bigWig) and intervals (BED).

All coordinates are 0-based and half-open, as in BED and bigWig.
"""
