"""From registry rows to each document's data (one small module per document type).

    juminhyo  build_juminhyo(setting, holder, members, options, issue_number, today)
    inkan     build_inkan(setting, resident, registration, issue_number, today)
    koseki    build_koseki(setting, register, scope, selected, issue_number, today)
    fuhyo     build_fuhyo(setting, register, entries, include_honseki, issue_number, today)
    kazei     build_kazei(setting, resident, record, issue_number, today)

Every builder is pure: it reads the rows it is given and returns a frozen dataclass of
``kofu.documents``; the issuer renders it with ``kofu.documents.render``.
"""
