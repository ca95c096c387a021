"""The roles a staff account holds (what each may do: ``kofu.console.web``)."""

ROLES = ("clerk", "supervisor", "auditor")
