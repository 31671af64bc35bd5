"""Pages of mentoring: contacts (being built)."""

urls: list = []
