"""exportsim: an export-licensing rules simulator."""
