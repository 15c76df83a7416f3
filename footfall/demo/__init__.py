"""`footfall demo`: realistic, reproducible traffic through the real tracking path."""
