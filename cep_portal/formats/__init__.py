"""Date formats where Django's own differ from how the portal writes dates.

Every language writes dates in full, day first: "20 November 2026", "20 novembre
2026", "20 de noviembre de 2026", "20 ноября 2026 г.", "20 نوفمبر 2026". French,
Spanish and Russian use Django's formats as they are; the modules here change
English (Django's is "Nov. 20, 2026") and Arabic (Django's puts a comma before the
year). Settings point here with FORMAT_MODULE_PATH.
"""
