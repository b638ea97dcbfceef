"""Season ranking lists computed from race results (short-track SOQC and their points tables)."""
