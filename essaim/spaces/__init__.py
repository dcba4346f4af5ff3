"""Spaces (communities): teams, projects and interest groups, with roles and sub-spaces."""
