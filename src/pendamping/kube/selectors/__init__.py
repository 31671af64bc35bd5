"""Every read of KUBE that a user triggers, scoped to the user's areas (a group by its desa), one module per part:
`groups` (groups, members, activities, overrides), `money` (stimulus, LPJ, cash book), `progress` (progress
reports, typology, partnerships, e-Warung). A group outside the user's areas is a 404."""
