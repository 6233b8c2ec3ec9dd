"""Who may do what: attendees, moderators, kiosk devices, organisers."""
