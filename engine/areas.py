"""Import every domain module so that its commands are in the registry."""

import rencontre.access.commands  # noqa: F401
import rencontre.attendance.ledger  # noqa: F401
import rencontre.attendance.links  # noqa: F401
import rencontre.attendance.registrations  # noqa: F401
import rencontre.cities.declaration  # noqa: F401
import rencontre.cities.delegations  # noqa: F401
import rencontre.cities.roster  # noqa: F401
import rencontre.rooms.announcements  # noqa: F401
import rencontre.rooms.polls  # noqa: F401
import rencontre.rooms.qa  # noqa: F401
import rencontre.rooms.reactions  # noqa: F401
import rencontre.schedule.agenda  # noqa: F401
import rencontre.schedule.changes  # noqa: F401
import rencontre.schedule.commands  # noqa: F401
import rencontre.streams.commands  # noqa: F401
