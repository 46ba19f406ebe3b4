"""The portal's shared layer: what every app uses and no app owns.

Pagination, the upload size limit, the spreadsheet import and export machinery, the
admin mixins, form-error and history helpers. This package imports Django and kept
libraries only, never an app of the portal (``coalition``, ``signals``, ``monitoring``,
``westland``): import-linter checks that in ``make lint`` (``.importlinter``).
"""
