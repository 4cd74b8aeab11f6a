// Tests for YingyunMultipart live beside this file.
