"""Pages of the Puskesos desk: reports (being built)."""

urls: list = []
