"""Paper petition packs: requests, printable sheets, keyed-in paper signatures and delivery."""
