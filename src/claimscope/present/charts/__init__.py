"""Pure plotly figure builders: data in, ``plotly.graph_objects.Figure`` out.

``style`` holds what every chart shares (colours per actor, escaping, layout); ``troops`` and
``relations`` hold the charts of each report.
"""
