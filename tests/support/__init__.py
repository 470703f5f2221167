"""Test-support helpers: real servers and fixtures that tests start themselves."""
