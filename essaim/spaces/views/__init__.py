"""Pages of the spaces app: directory and space pages (``pages``), running a space (``manage``),
and the joining buttons (``joining``)."""
