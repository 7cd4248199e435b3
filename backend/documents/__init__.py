"""What a learner holds besides the JSON: the PDF certificate (with the JSON attached) and the QR code."""
