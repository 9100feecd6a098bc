"""Readers and writers for genomes (FASTA), signal (bigWig) and intervals (BED).

Also chromosome-name matching across files (``chrI`` / ``I``), atomic writes (a
killed run never leaves a finished-looking file), JSON files and the scan-directory
format.  All coordinates are 0-based and half-open, as in BED and bigWig.
pyBigWig and pysam are imported when a file is opened.
"""
