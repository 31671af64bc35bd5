"""Pages of mentoring: analytics (being built)."""

urls: list = []
