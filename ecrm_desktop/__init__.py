"""ecrm: a desktop e-commerce CRM that keeps every customer in one encrypted place."""

__version__ = "0.1.0"
