"""kofu.history: the centre's history and each city's issuance log as append-only Merkle logs.

    log      over any entry table (leaf index, fields, stored leaf hash) and any table of signed
             heads: append, publish a signed head, read rows and heads, verify end to end,
             prove an entry's inclusion, prove two heads consistent (`kofu.ledger` does the maths)
The two logs built on it live with their owners: ``kofu.center.history`` (finished orders, no
personal data, heads signed by the centre's key) and ``kofu.city.issuer.history`` (the orders a
city sealed and how they ended, heads signed by its seal key); their names are in
``kofu.protocol.heads``.

Entries are appended by a sequencer (when a head is published: at intervals and on demand), in
one transaction that takes the next indexes; a concurrent sequencer's transaction fails on the
primary key and appends nothing.
"""
