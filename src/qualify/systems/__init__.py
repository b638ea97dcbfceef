"""Bundled rule files, one per sport and edition."""
