"""The service layer: verb-named functions that own the transaction."""
