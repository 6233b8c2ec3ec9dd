"""Schedule import and export: frab XML, schedule JSON, iCalendar, CSV."""
