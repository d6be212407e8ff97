"""The rules: one module per process, pure where possible, typed in and out."""
