"""People: profiles, the directory, the org chart, follows and skills."""
