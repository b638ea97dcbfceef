"""qualify: Olympic qualification systems as versioned rules plus tested code."""

__version__ = "0.1.0"
