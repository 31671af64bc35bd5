"""Pages of the Puskesos desk, one module per part (`cases`, `referrals`, `register`, `reports`); each ends with its
`urls` list, which puskesos/urls.py joins."""
