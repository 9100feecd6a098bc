"""Evaluate drops against accessible-region edges: scores, meta-profiles and the HTML report.
"""
