"""SQLite as Essaim runs it: Django's backend with write transactions that take turns
(``base``), and the WAL copied back into the database file off the requests' path
(``checkpoints``). ``ENGINE = "essaim.core.sqlite"`` in the settings."""
