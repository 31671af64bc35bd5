"""Forms of the Puskesos desk, one module per part. Forms only shape input; the rules are in the services."""
