"""Use cases: every read and write a person can do, with permissions and audit enforced here."""
