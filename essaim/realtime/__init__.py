"""Live pages: what happens reaches the pages people have open, over Server-Sent Events."""
