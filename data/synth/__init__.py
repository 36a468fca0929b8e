"""Synthetic labelled reports: realistic content, every layout, exact gold."""
