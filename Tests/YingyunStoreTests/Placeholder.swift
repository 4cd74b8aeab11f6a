// Tests for YingyunStore live beside this file.
