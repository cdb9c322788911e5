# The WCO writes dates day first, month in full: "20 November 2026".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
