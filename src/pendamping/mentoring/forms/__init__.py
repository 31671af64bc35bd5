"""Forms of mentoring, one module per part. Forms only shape input; the rules are in the services."""
