"""The project's own locale formats (FORMAT_MODULE_PATH): one Vietnamese format everywhere."""
