"""Pages of mentoring: reports (being built)."""

urls: list = []
