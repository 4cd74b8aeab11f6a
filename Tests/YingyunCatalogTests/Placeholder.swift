// Tests for YingyunCatalog live beside this file.
