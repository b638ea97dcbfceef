"""Readers and writers for the files users give to and get from ``qualify``."""
