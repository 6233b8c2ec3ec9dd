"""Attendance: registrations, the check-in ledger at the venue and at session doors,
and online presence, all in the one log that kiosks, moderators and reports read."""
