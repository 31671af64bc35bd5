"""Every write of the Puskesos desk, one module per part (callers import the module they need):

- `cases`: intake (with the NIK check and a new resident registered), casework, status changes, supervision,
  notes (confidential ones), closing;
- `referrals`: referrals, their letter token and the office's answer, status changes;
- `register`: register proposals (usulan DTKS/DTSEN), PPKS counts and the PSKS register.
"""
