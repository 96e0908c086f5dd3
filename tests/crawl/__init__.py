"""Crawl tests: plant protected records next to public ones, then crawl every admin and API address as each role."""
