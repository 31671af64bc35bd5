"""Pages of KUBE, one module per part (`groups`, `money`, `progress`); each module ends with its `urls` list, which
kube/urls.py joins. `common` holds the group page frame (header and tabs) they share."""
