"""casetracker defines no concrete models (shared abstract bases are in ``base_models``).

This module exists so that Django sends ``post_migrate`` for the ``casetracker`` app, which
is listed after ``people`` and ``cases``: the staff roles are synchronised then, once the
permissions of every model exist (see :mod:`casetracker.roles`).
"""
