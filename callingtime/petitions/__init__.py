"""Petitions: signing, confirming, counting by constituency, and the abuse controls around them."""
