"""Policy simulation workbench for BPJS Ketenagakerjaan BPU cover in Kabupaten Belu.

Modules are listed with their roles in ARCHITECTURE.md.  Heavy imports stay lazy so the
command line starts quickly.
"""
__version__ = "0.1.0"
