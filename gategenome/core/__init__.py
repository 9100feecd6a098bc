"""Stage-independent building blocks: base encoding, shuffles, runs and statistics.
"""
