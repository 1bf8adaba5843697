"""The printer: a CUPS queue, or a PDF spool folder in development and the demo. Plain Python."""
