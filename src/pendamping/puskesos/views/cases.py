"""Pages of the Puskesos desk: cases (being built)."""

urls: list = []
