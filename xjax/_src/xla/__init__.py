"""The bridge to jaxlib: the only package of xjax that imports it."""
