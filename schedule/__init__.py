"""The agenda: event, rooms, tracks, speakers and sessions, and their live changes."""
