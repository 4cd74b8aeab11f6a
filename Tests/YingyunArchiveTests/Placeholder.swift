// Tests for YingyunArchive live beside this file.
