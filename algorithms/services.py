"""Algorithm filing services (ALG-01…11). Filled in below."""


def filing_snapshot(*, filing):
    return {}
