"""Every write of mentoring, one module per part (callers import the module they need):

- `contacts`: contacts with their roles, attendance, photos, the KUBE activity served and follow-up tasks; tasks;
- `reports`: the monthly TKSK report (generate, narrative, submit, acknowledge).
"""
