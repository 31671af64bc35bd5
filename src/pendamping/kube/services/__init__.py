"""Every write of KUBE, one module per part of the program (callers import the module they need):

- `groups`: groups, members, activities of the stages, gates and their overrides, stage changes;
- `money`: stimulus tranches, the LPJ and its verification, the cash book;
- `progress`: monthly progress reports and the typology, partnerships, the e-Warung;
- `common`: what they share (the group a write may touch, whole-Rupiah amounts, attachments).
"""
