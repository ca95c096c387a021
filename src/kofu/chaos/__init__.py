"""`kofu chaos`: the bench while random actors are killed with SIGKILL, then every invariant checked.

run.py      the run: its own demo and supervised cluster, kiosk worker processes, the killer
worker.py   one headless kiosk as its own process (what a kill -9 of a kiosk hits)
checks.py   what is checked afterwards, from the kiosks' journals, the centre's history and
            the cities' issuance logs
privacy.py  the scan for personal data outside the cities
"""
