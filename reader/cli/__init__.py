"""The `reader` command line: `main` opens the reader or runs a headless command (`articles`, `feeds`)."""
