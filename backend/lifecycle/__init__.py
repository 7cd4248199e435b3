"""A credential's life after issuing: corrected (superseded) and stacked into a larger one."""
