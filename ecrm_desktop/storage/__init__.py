"""Encrypted storage: the SQLCipher engine, key slots, ORM tables, migrations and query functions."""
