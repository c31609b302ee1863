"""Streamlit layer: pages, widgets, the folium map builder, labels (zh/en), error display."""
