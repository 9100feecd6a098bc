"""Call forget-gate drops against the shuffled-sequence null.
"""
