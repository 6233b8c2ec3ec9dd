"""Live session rooms: announcements, questions, polls."""
