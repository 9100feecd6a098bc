"""Design synthetic long-memory DNA and reset elements for a trained model.
"""
