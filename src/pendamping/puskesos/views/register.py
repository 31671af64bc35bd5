"""Pages of the Puskesos desk: register (being built)."""

urls: list = []
