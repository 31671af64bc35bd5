"""Pages of the Puskesos desk: referrals (being built)."""

urls: list = []
