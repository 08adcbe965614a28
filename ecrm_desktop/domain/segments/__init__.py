"""Segment queries in Shopify's customer segment language (shared/SEGMENTS.md): parsed, validated and printed."""

from ecrm_desktop.domain.segments.errors import SegmentDataError, SegmentSyntaxError
from ecrm_desktop.domain.segments.parser import parse
from ecrm_desktop.domain.segments.printer import to_text

__all__ = ["SegmentDataError", "SegmentSyntaxError", "parse", "to_text"]
