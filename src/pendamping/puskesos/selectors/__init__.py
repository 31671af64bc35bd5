"""Every read of the Puskesos desk that a user triggers, scoped to the user's areas (by desa) with the puskesos
capabilities; a confidential note is read only through `cases.note_text`, which audits the read. One module per
part: `cases`, `referrals`, `register`, `reports`."""
