"""Device layer: token slot (PKCS#11), document camera (OpenCV), printer (CUPS).
Plain Python, no Textual: the app runs these in thread workers."""
