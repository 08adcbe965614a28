"""The support inbox's vocabulary and rules: views and rows, SLA clocks, macros, routing rules, CSV import."""
