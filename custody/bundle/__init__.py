"""The prosecutor bundle: export, offline verification against a trusted key, and its readable renderings."""
