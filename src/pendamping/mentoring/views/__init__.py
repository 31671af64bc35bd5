"""Pages of mentoring, one module per part (`contacts`, `analytics`, `reports`); each ends with its `urls` list,
which mentoring/urls.py joins."""
