"""Import every domain module so that its commands are in the registry."""

import access.commands  # noqa: F401
import rooms.announcements  # noqa: F401
import schedule.commands  # noqa: F401
