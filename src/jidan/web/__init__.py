"""Server-rendered pages (Jinja2 + htmx) for every role."""
