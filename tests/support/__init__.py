"""Helpers shared by every test folder."""
