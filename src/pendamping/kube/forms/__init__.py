"""Forms of KUBE, one module per part (`groups`, `money`, `progress`). Forms only shape input; the rules are in
the services."""
