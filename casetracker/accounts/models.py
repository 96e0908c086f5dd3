"""No models of its own (tokens are django-rest-knox's, devices django-otp's).

The module exists so Django sends this app ``post_migrate``, which creates the cache table.
"""
