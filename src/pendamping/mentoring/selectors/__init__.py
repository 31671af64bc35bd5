"""Every read of mentoring that a user triggers, scoped to the user's areas (a contact or task by its desa), one
module per part: `contacts` (contacts, attendance, tasks, flags), `analytics` (role matrices, gaps, comparisons),
`reports` (the monthly TKSK report's figures)."""
