"""What the monitor shows: the dashboard (/monitor/), the council report and the public
progress page (/voortgang/).

- ``disclosure``: the small-count rule ("<5" and secondary suppression).
- ``tables``: a chart's numbers as a table with named columns, and their formatting.
- ``figures``: the Plotly figures, built as plain data.
- ``assembly``: which charts and key figures each page shows, from the read queries in
  ``monitoring.selectors``.
- ``cache``: the data version under which all of it is cached.
"""
