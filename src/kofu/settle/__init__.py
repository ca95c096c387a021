"""kofu.settle: the monthly settlement of fees, reconciled against three independent records.

records     what each record says of each order: the kiosks' cash journals, the centre's
            history, each city's issuance log (read only; nothing is written back)
rates       the split of each fee: commission per copy to J-LIS and the store, per city and chain
reconcile   the month's statement (lines per city, chain and document type) and every
            difference between the three records, computed once into a `Statement`
output      the statement as CSV and as a printable Japanese PDF (the documents' layout parts)
"""

from kofu.settle.reconcile import DIFFERENCE_KINDS, Difference, Line, Statement, settle

__all__ = ["DIFFERENCE_KINDS", "Difference", "Line", "Statement", "settle"]
