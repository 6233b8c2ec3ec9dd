"""Every string the pages' scripts show, so that Babel extracts and translates them."""

from engine.messages import N_

JS_MESSAGES = [
    N_("Connecting…"),
    N_("Connected"),
    N_("Reconnecting…"),
    N_("Offline: changes will be sent when the connection is back"),
    N_("Now"),
    N_("Next"),
    N_("Nothing now"),
    N_("Nothing next"),
    N_("Your time"),
    N_("Event time"),
    N_("No announcements."),
    N_("Announcement posted."),
    N_("Withdraw"),
    N_("Everyone"),
    N_("Expires {time}"),
    N_("Sent"),
    N_("Error: {message}"),
]
