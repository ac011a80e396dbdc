"""Invitations on the CDK side: the table, the function's permissions and settings, the routes."""
