"""The city console: the city's staff at work (Today, settings, 利用登録, counter, stop/resume).

A city-side process (``kofu city console --city C``) on the city's internal segment; it reads
and writes the city's own registry through the functions behind ``kofu city`` and ``kofu
counter``, and speaks to the centre and the city's gateways as the city's issuer (mTLS).
"""
