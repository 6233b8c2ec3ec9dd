"""Import every domain module so that its commands are in the registry."""

import access.commands  # noqa: F401
import attendance.ledger  # noqa: F401
import attendance.registrations  # noqa: F401
import rooms.announcements  # noqa: F401
import rooms.polls  # noqa: F401
import rooms.qa  # noqa: F401
import schedule.agenda  # noqa: F401
import schedule.changes  # noqa: F401
import schedule.commands  # noqa: F401
