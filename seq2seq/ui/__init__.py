"""Streamlit glue: cached model loading, the shared sidebar and page helpers.

The only part of ``seq2seq`` that imports streamlit.
"""
