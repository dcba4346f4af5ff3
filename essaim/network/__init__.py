"""Network-wide settings that administrators change in the app: name, logo, colour, sign-up."""
