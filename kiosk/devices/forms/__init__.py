"""Printed forms (reportlab, A4 PDFs): the application form, the seal sample form, the situation
statement and the receipt. Plain Python."""
