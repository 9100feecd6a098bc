"""Genome-browser output: bigWig tracks, bigBed, the UCSC track hub and the IGV session.
"""
