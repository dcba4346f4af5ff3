"""The JSON API: one NinjaAPI under /api/, routers live in the apps."""
