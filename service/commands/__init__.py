"""`moderato` sub-commands; `service.cli` loads each module when one of its commands runs."""
