# Day, month name, year, without Django's comma before the year: "20 نوفمبر 2026".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
