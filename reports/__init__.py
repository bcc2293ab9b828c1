"""Reports: queries returning plain rows, Plotly figures, and WeasyPrint documents.

Empty at the foundation stage; the dashboards and PDF reports issues fill it.
"""
